extension QEMUDriver: InstanceBootDriver {
    /// The console log is per boot, so a ready line in it is this boot's: found at once when the
    /// guest came up while nobody watched, awaited with a fresh boot timeout otherwise.
    public func awaitStarted(name: String, log: @escaping DriverLog) async throws {
        try Self.validate(name: name)
        guard try await exists(name: name) else { throw InstanceDriverError.notFound(name) }
        guard let pid = try await runningPID(name) else { throw InstanceDriverError.alreadyStopped }
        try await awaitGuest(files(name), pid: pid, name: name, started: .now, log: log)
    }
}
