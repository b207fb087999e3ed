import Drivers
import HTTP
import Images
import Instances
import Server

/// Every endpoint Berth serves, as one table (LXD's `api10` list).
public enum BerthAPI {
    /// `server` tells trust tokens the server's fingerprint and addresses; by default what `GET /1.0`
    /// reports.
    public static func endpoints(_ context: APIContext, server: ServerIdentity? = nil) -> [Endpoint] {
        var endpoints =
            ServerEndpoints.endpoints(context) + OperationsEndpoints.endpoints(context)
            + EventsEndpoints.endpoints(context)
            + CertificatesEndpoints.endpoints(
                context, server: server ?? ServerIdentity.serverInfo(context.serverInfo), waiters: .shared)
            + AuthTokensEndpoints.endpoints(context)
        endpoints += OpenAPIEndpoints.endpoints(context)
        endpoints += MetricsEndpoints.endpoints(context)
        endpoints += ResourcesEndpoints.endpoints(context)
        if let images = context.images {
            endpoints += ImagesEndpoints.endpoints(context, store: images)
            endpoints += ImageAliasesEndpoints.endpoints(context, store: images, lifecycle: context.lifecycle)
            if let instances = context.instances {
                endpoints += InstancesEndpoints.endpoints(context, service: instances, images: images)
                endpoints += InstanceExecEndpoints.endpoints(context, service: instances)
                endpoints += InstanceSnapshotsEndpoints.endpoints(context, service: instances)
                endpoints += InstanceFilesEndpoints.endpoints(context, service: instances)
                endpoints += InstanceLogsEndpoints.endpoints(context, service: instances)
                endpoints += VZEndpoints.endpoints(context, service: instances, images: images)
                endpoints += ProfilesEndpoints.endpoints(
                    context, service: instances,
                    containersDirectory: (instances.drivers.container as? LXCDriver)?.lxcPath ?? "")
            }
        }
        return endpoints
    }

    /// Where the server writes request bodies that should not be held in memory (image uploads and
    /// file pushes, into the image store's `uploads/`); nil for the others.
    public static func bodySinkProvider(_ context: APIContext)
        -> (@Sendable (HTTPMethod, String, HTTPHeaders) -> (any HTTPBodySink)?)?
    {
        guard let uploads = context.images?.uploadsDirectory else { return nil }
        return { method, target, _ in
            // File pushes spool into the same directory: on the state's file system, and cleaned
            // of bodies left by a stop at every start.
            guard
                ImagesEndpoints.spoolsBody(method: method, target: target)
                    || InstanceFilesEndpoints.spoolsBody(method: method, target: target)
            else { return nil }
            return FileBodySink(directory: uploads, maxBytes: ImagesEndpoints.maxUploadBytes)
        }
    }

    /// The responder for `context`, with `extra` endpoints (a test daemon's) after Berth's own.
    public static func responder(_ context: APIContext, extra: [Endpoint] = []) -> APIResponder {
        APIResponder(
            router: Router(endpoints(context) + extra), logger: context.logger, trust: context.trust,
            metrics: context.httpMetrics, config: { context.serverInfo.snapshot.config })
    }
}
