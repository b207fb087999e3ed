import Drivers
import Foundation
import HTTP
import Instances
import JSON
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// `/1.0/instances/<name>/logs[/<file>]` and the console log, `GET`/`DELETE
/// /1.0/instances/<name>/console` (`lxd/instance_logs.go`, `lxd/instance_console.go`), with the
/// legacy `/1.0/containers/…` paths. The console log is LXC's `lxc.console.logfile`, written while
/// the container runs and kept after it stops, as LXD serves it for a stopped container.
enum InstanceLogsEndpoints {
    static func endpoints(_ context: APIContext, service: InstanceService) -> [Endpoint] {
        ["/1.0/instances", "/1.0/containers"].flatMap { base in
            [
                Endpoint(
                    base + "/{name}/logs",
                    get: .deferred(.view) { request in
                        let row = try instance(request, service)
                        let files = try await service.logFiles(row)
                        return .sync(.array(files.map { .string("/1.0/instances/\(row.name)/logs/\($0)") }))
                    }),
                Endpoint(
                    base + "/{name}/logs/{file}",
                    get: .deferred(.view) { request in
                        let row = try instance(request, service)
                        let file = request.parameters["file"] ?? ""
                        let path = try service.logPath(row, file: file)
                        let reader = try await open(path, missingIsEmpty: false)!
                        await service.emitFileEvent(
                            "instance-log-retrieved", row, context: [("file", file)],
                            requestor: OperationSubmitter.requestor(request.context))
                        return try await FileDownload.response(reader, filename: file)
                    },
                    delete: .deferred(.operate) { request in
                        let row = try instance(request, service)
                        let file = request.parameters["file"] ?? ""
                        let path = try service.logPath(row, file: file)
                        if file == "lxc.log" || file == "lxc.conf" {
                            throw APIError.badRequest("lxc.log and lxc.conf may not be deleted")
                        }
                        try await OffPool.run {
                            guard unlink(path) == 0 else { throw fileError(errno, path: path) }
                        }
                        await service.emitFileEvent(
                            "instance-log-deleted", row, context: [("file", file)],
                            requestor: OperationSubmitter.requestor(request.context))
                        return .empty
                    }),
                Endpoint(
                    base + "/{name}/console",
                    get: .deferred(.view) { request in
                        let row = try instance(request, service)
                        let reader = try await open(try service.consoleLogPath(row), missingIsEmpty: true)
                        await service.emitFileEvent(
                            "instance-console-retrieved", row, context: [],
                            requestor: OperationSubmitter.requestor(request.context))
                        guard let reader else {
                            return .raw(
                                HTTPResponse(
                                    status: .ok, headers: ["Content-Type": "application/octet-stream"], body: []))
                        }
                        return try await FileDownload.response(reader, filename: "console.log")
                    },
                    delete: .deferred(.operate) { request in
                        let row = try instance(request, service)
                        let path = try service.consoleLogPath(row)
                        // Truncated, not removed: LXC keeps the file open while the container runs.
                        try await OffPool.run {
                            guard truncate(path, 0) == 0 || errno == ENOENT else { throw fileError(errno, path: path) }
                        }
                        await service.emitFileEvent(
                            "instance-console-reset", row, context: [],
                            requestor: OperationSubmitter.requestor(request.context))
                        return .empty
                    }),
            ]
        }
    }

    static func instance(_ request: APIRequest, _ service: InstanceService) throws -> InstanceRow {
        try service.instance(name: request.parameters["name"] ?? "", project: request.project)
    }

    /// A host log file opened for reading; a missing one is `not found`, or nil when asked.
    static func open(_ path: String, missingIsEmpty: Bool) async throws -> InstanceFileReader? {
        try await OffPool.run {
            do throws(InstanceFileError) {
                return try InstanceFileReader(hostPath: path)
            } catch .notFound where missingIsEmpty {
                return nil
            }
        }
    }

    static func fileError(_ code: Int32, path: String) -> any Error {
        code == ENOENT ? APIError.notFound : APIError.internalError("\(path): \(String(cString: strerror(code)))")
    }
}
