import Foundation
import Testing

@testable import Daemon

@Suite struct StateDirectoryLockTests {
    @Test func aSecondLockOnTheSameDirectoryFailsNamingTheHolder() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-lock-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // flock locks belong to the open file description, so a second open in this process conflicts
        // exactly as a second daemon would.
        var first: StateDirectoryLock? = try StateDirectoryLock(stateDirectory: directory)
        #expect(first != nil)
        do {
            _ = try StateDirectoryLock(stateDirectory: directory)
            Issue.record("second lock succeeded")
        } catch {
            #expect(error.description.contains("already running on state directory \(directory)"))
            #expect(error.description.contains("pid \(getpid())"))
        }
        first = nil
        #expect(throws: Never.self) { _ = try StateDirectoryLock(stateDirectory: directory) }
    }
}
