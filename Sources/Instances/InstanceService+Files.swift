import Drivers
import Foundation
import Images
import JSON
import Operations
import Store

extension InstanceService {
    /// The file capability of the driver of `row`'s instance.
    private func requireFileDriver(_ row: InstanceRow) throws -> any InstanceFileDriver {
        guard let driver = try driver(of: row) as? any InstanceFileDriver else {
            throw InstanceError.badRequest("This instance driver has no file access")
        }
        return driver
    }

    /// The instance's root filesystem for `/files`, whatever its state; released with the value.
    public func openRootfs(_ row: InstanceRow) async throws -> InstanceRootfs {
        try await requireFileDriver(row).openRootfs(of: row.name)
    }

    /// LXD 5.0's rule for a name under `/logs/` (`validLogFileName`); nil when valid.
    public static func logFileNameProblem(_ name: String) -> String? {
        let valid =
            !name.isEmpty && !name.contains("/") && name != "." && name != ".."
            && (name == "lxc.conf" || name.hasSuffix(".log") || name.hasPrefix("migration_")
                || name.hasPrefix("snapshot_") || name.hasPrefix("exec_"))
        return valid ? nil : "log file name \(name) not valid"
    }

    /// The instance's log files with valid names, sorted.
    public func logFiles(_ row: InstanceRow) async throws -> [String] {
        try await requireFileDriver(row).logFiles(of: row.name).filter { Self.logFileNameProblem($0) == nil }
    }

    /// The host path of a log file of the instance; the name must be valid (`logFileNameProblem`).
    public func logPath(_ row: InstanceRow, file: String) throws -> String {
        if let problem = Self.logFileNameProblem(file) { throw InstanceError.badRequest(problem) }
        return try requireFileDriver(row).logPath(of: row.name, file: file)
    }

    /// Where LXC writes the container's console output.
    public func consoleLogPath(_ row: InstanceRow) throws -> String {
        try requireFileDriver(row).logPath(of: row.name, file: "console.log")
    }

    /// Emits `instance-file-pushed` and its kin with the path, as LXD does.
    public func emitFileEvent(_ action: String, _ row: InstanceRow, context: [(String, String)], requestor: Requestor?)
        async
    {
        await lifecycle.emit(
            action: action, source: "/1.0/instances/\(row.name)",
            context: .object(context.map { ($0.0, .string($0.1)) }), requestor: requestor)
    }
}
