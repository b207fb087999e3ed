import Foundation

/// A fresh directory for one test's database files, removed when the test is done.
enum TemporaryDirectory {
    /// Calls `body` with the path of a new empty directory and removes the directory afterwards,
    /// whether `body` returns or throws.
    static func with<T>(_ body: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("berth-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }
}
