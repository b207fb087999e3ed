import Foundation

/// A fresh directory under /tmp for one test, removed when the test is done.
enum TemporaryDirectory {
    /// A new empty directory, `berth-drivers-…`; the caller removes it.
    static func make() throws -> String {
        let path = "/tmp/berth-drivers-\(UUID().uuidString.prefix(8).lowercased())"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        return path
    }

    /// Calls `body` with a new empty directory and removes it afterwards, whether `body` returns
    /// or throws.
    static func with<T>(_ body: (String) throws -> T) throws -> T {
        let path = try make()
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(path)
    }
}
