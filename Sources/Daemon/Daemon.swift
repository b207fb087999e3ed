import API
import Drivers
import Foundation
import Images
import Instances
import Log
import Operations
import Server
import Store

/// Wires the daemon together and runs it until SIGTERM/SIGINT: lock the state directory, open and
/// migrate the database, start the listeners, tell systemd, then drain and exit 0 on a signal.
struct Daemon {
    let options: CommandLineOptions
    let logger: Logger
    let extensions: DaemonExtensions

    func run() async throws {
        let stateDirectory = options.stateDirectory
        // The database and lock are the daemon's alone; the socket's 0660 is set explicitly.
        umask(0o077)
        try FileManager.default.createDirectory(
            atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        let lock = try StateDirectoryLock(stateDirectory: stateDirectory)
        let signals = SignalWaiter()

        let databasePath = stateDirectory + "/berth.db"
        let database: Database
        do {
            database = try Database.open(path: databasePath)
        } catch {
            throw DaemonError("cannot open database \(databasePath): \(error)")
        }

        var addresses: [ListenAddress] = [.unix(path: stateDirectory + "/unix.socket", mode: 0o660)]
        for text in options.listen {
            guard let address = ListenAddress.parseTCP(text) else {
                throw DaemonError("--listen \(text): expected HOST:PORT with a numeric IPv4 or [IPv6] host")
            }
            addresses.append(address)
        }
        let tcpAddresses = addresses.compactMap { address -> String? in
            if case .tcp = address { return address.description }
            return nil
        }
        let config = try database.read { try $0.config() }
        let images: ImageStore
        do {
            images = try ImageStore(directory: stateDirectory + "/images", database: database)
        } catch {
            throw DaemonError("cannot open the image store in \(stateDirectory)/images: \(error)")
        }
        let lifecycle = LifecycleEmitter()
        let instances = InstanceService(
            database: database, images: images,
            driver: LXCDriver(lxcPath: stateDirectory + "/containers", idmap: try? IDMap.fromSubordinateIDs()),
            lifecycle: lifecycle)
        // Operations interrupted by the previous process are settled before anything is served.
        let operations: OperationManager
        do {
            var tunables = OperationsConfiguration()
            OperationsConfigKeys.apply(config, to: &tunables)
            operations = try OperationManager(
                path: databasePath,
                registry: OperationRegistry(
                    ImageOperations.definitions(store: images, lifecycle: lifecycle) + instances.definitions()
                        + extensions.operationTypes),
                configuration: tunables, logger: logger)
            try await operations.start()
            // A row left `creating` without its operation (the server stopped in between) is undone.
            let creating = try operations.operations(
                OperationQuery(statusCodes: [103, 104, 105], type: InstanceService.createType))
            let names = Set(
                creating.compactMap { $0.resources["instances"]?.first?.split(separator: "/").last.map(String.init) })
            for name in await instances.reconcile(unfinishedCreates: names) {
                logger.warn("removed an instance whose creation was interrupted", ["instance": name])
            }
            instances.startSnapshotExpiry(operations: operations)
        } catch {
            throw DaemonError("cannot start the operation queue on \(databasePath): \(error)")
        }
        let context = APIContext(
            database: database, logger: logger,
            serverInfo: ServerInfoCache(
                info: ServerInfo(host: .current(), addresses: tcpAddresses), config: config),
            operations: operations, images: images, instances: instances,
            lifecycle: lifecycle)

        var serverConfiguration = ServerConfiguration()
        // Keep descriptors for the database, the store writer and the host commands of workers.
        serverConfiguration.maxConnections = max(64, FileDescriptorLimit.raiseToMaximum() - 256)
        serverConfiguration.bodySinkProvider = BerthAPI.bodySinkProvider(context)
        let server = HTTPServer(
            configuration: serverConfiguration,
            responder: BerthAPI.responder(context, extra: extensions.endpoints(context)))
        let bound: [ListenAddress]
        do {
            bound = try server.start(listening: addresses)
        } catch {
            throw DaemonError("cannot listen: \(error)")
        }
        let notifier = SystemdNotifier(environment: ProcessInfo.processInfo.environment)
        notifier?.notify("READY=1\nSTATUS=Serving the API\nMAINPID=\(getpid())")
        logger.info(
            "berthd ready",
            [
                "version": BerthVersion.current, "state_dir": stateDirectory, "pid": String(getpid()),
                "listen": bound.map(\.description).joined(separator: ","),
            ])

        let signal = await signals.wait()
        logger.info("shutting down", ["signal": signal == SIGTERM ? "SIGTERM" : "SIGINT"])
        notifier?.notify("STOPPING=1")
        await server.shutdown(gracePeriodMilliseconds: 30_000)
        // Running operations get a bounded time to finish; the rest is recovered at the next start.
        await operations.shutdown(timeoutMilliseconds: 5_000)
        withExtendedLifetime(lock) {}
        logger.info("berthd stopped")
    }
}
