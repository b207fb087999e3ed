import Foundation
import Store

@testable import Images

/// An `ImageStore` on a fresh temporary directory and database, removed when the value goes away.
final class ScratchStore {
    let root: String
    let store: ImageStore

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-images-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let database = try Database.open(path: root + "/berth.db")
        store = try ImageStore(directory: root + "/images", database: database)
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// The names in `images/uploads`.
    func uploads() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: store.directory + "/uploads").sorted()
    }

    /// Writes `contents` to a new file under the scratch root.
    func file(_ name: String, _ contents: [UInt8]) throws -> String {
        let path = root + "/" + name
        guard FileManager.default.createFile(atPath: path, contents: Data(contents)) else {
            throw CocoaError(.fileWriteUnknown)
        }
        return path
    }
}
