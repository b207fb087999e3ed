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
        let inherited = try takeInheritedSockets()
        let notifier = SystemdNotifier.takeFromProcess()
        let watchdogSetting = SystemdWatchdog.takeFromProcess()
        notifier?.notify("STATUS=Starting")
        // The database and lock are the daemon's alone; the socket's 0660 is set explicitly.
        umask(0o077)
        try FileManager.default.createDirectory(
            atPath: stateDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o711])
        let lock = try StateDirectoryLock(stateDirectory: stateDirectory)
        let signals = SignalWaiter()
        let runtimes = HostRuntimes.detect(stateDirectory: stateDirectory)
        async let runtimeVersions = runtimes.versions()

        let databasePath = stateDirectory + "/berth.db"
        let database: Database
        do {
            database = try Database.open(path: databasePath)
        } catch {
            throw DaemonError("cannot open database \(databasePath): \(error)")
        }

        let host = HostFacts.current()
        let identity = try Self.serverIdentity(stateDirectory: stateDirectory, hostName: host.serverName)
        let commandLine = try Self.commandLineAddresses(options.listen) + inherited.https
        let config = try database.read { try $0.config() }
        // `core.https_address` is served as well, unless --listen names the same address; a stored
        // address that cannot be bound is logged, not fatal, so the unix socket can fix it.
        let stored = CoreConfigKeys.httpsListenAddress(config)
        let configured = stored.flatMap { commandLine.contains($0) ? nil : $0 }
        let unixSocket = inherited.unixPath ?? stateDirectory + "/unix.socket"
        let addresses: [ListenAddress] =
            (inherited.unixPath != nil ? [] : [.unix(path: unixSocket, mode: 0o660)])
            + commandLine.filter { !inherited.https.contains($0) }
        let httpsAddresses = (commandLine + (configured.map { [$0] } ?? [])).map(\.description)
        let images: ImageStore
        do {
            images = try ImageStore(directory: stateDirectory + "/images", database: database)
        } catch {
            throw DaemonError("cannot open the image store in \(stateDirectory)/images: \(error)")
        }
        let lifecycle = LifecycleEmitter()
        if runtimes.virtualMachines == nil {
            logger.warn("virtual machines disabled: qemu-system-x86_64 is not installed")
        }
        let instances = InstanceService(
            database: database, images: images,
            drivers: InstanceDrivers(container: runtimes.containers, virtualMachine: runtimes.virtualMachines),
            lifecycle: lifecycle)
        await instances.apply(InstancesConfigKeys.settings(config))
        // Operations interrupted by the previous process are settled before anything is served.
        let operations: OperationManager
        do {
            var tunables = OperationsConfiguration()
            OperationsConfigKeys.apply(config, to: &tunables)
            operations = try OperationManager(
                path: databasePath,
                registry: OperationRegistry(
                    ImageOperations.definitions(store: images, lifecycle: lifecycle) + instances.definitions()
                        + TrustTokenOperation.definitions() + extensions.operationTypes),
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
                info: runtimes.describe(
                    ServerInfo(
                        host: host, addresses: httpsAddresses, certificate: identity.certificatePEM,
                        certificateFingerprint: identity.fingerprint),
                    versions: await runtimeVersions),
                config: config),
            operations: operations, images: images, instances: instances,
            lifecycle: lifecycle)

        var serverConfiguration = ServerConfiguration()
        // Keep descriptors for the database, the store writer and the host commands of workers.
        serverConfiguration.maxConnections = max(64, FileDescriptorLimit.raiseToMaximum() - 256)
        serverConfiguration.bodySinkProvider = BerthAPI.bodySinkProvider(context)
        serverConfiguration.tls = identity
        let server = HTTPServer(
            configuration: serverConfiguration,
            responder: BerthAPI.responder(context, extra: extensions.endpoints(context)))
        var bound: [ListenAddress]
        do {
            bound = try server.start(listening: addresses, adopting: inherited.sockets)
        } catch {
            throw DaemonError("cannot listen: \(error)")
        }
        var configuredBound: ListenAddress?
        if let configured {
            do {
                configuredBound = try server.addListener(configured)
                bound.append(configuredBound!)
            } catch {
                logger.error(
                    "cannot listen on core.https_address", ["address": configured.description, "error": "\(error)"])
            }
        }
        // From here on, changes of core.https_address move the listener while the daemon runs. An
        // address that could not be bound counts as none, so setting it again tries again.
        await context.httpsListener.attach(
            server: server, fixed: commandLine, configured: configured != nil && configuredBound == nil ? nil : stored,
            bound: configuredBound)
        context.serverInfo.update(addresses: await context.httpsListener.addresses)
        // Whoever may open the unix socket is trusted on it, as in LXD: its file's group (berthd's
        // own, or berthd.socket's SocketGroup=).
        var socketStatus = stat()
        if stat(unixSocket, &socketStatus) == 0 { context.trust.trustUnixSocketGroup(socketStatus.st_gid) }
        notifier?.notify("READY=1\nSTATUS=Serving the API\nMAINPID=\(getpid())")
        let watchdog = startWatchdog(watchdogSetting, notifier: notifier, server: server)
        let trimmer = Task { await IdleMemoryTrimmer(database: database, operations: operations, server: server).run() }
        logger.info(
            "berthd ready",
            [
                "version": BerthVersion.current, "state_dir": stateDirectory, "pid": String(getpid()),
                "listen": bound.map(\.description).joined(separator: ","),
            ])

        let signal = await signals.wait()
        trimmer.cancel()
        logger.info("shutting down", ["signal": signal == SIGTERM ? "SIGTERM" : "SIGINT"])
        notifier?.notify("STOPPING=1\nSTATUS=Draining connections and operations")
        await server.shutdown(gracePeriodMilliseconds: 30_000)
        // Running operations get a bounded time to finish; the rest is recovered at the next start.
        await operations.shutdown(timeoutMilliseconds: 5_000)
        watchdog?.stop()
        withExtendedLifetime(lock) {}
        logger.info("berthd stopped")
    }
}
