import Foundation
import Testing

@testable import Drivers

@Suite struct LXCDriverMeasurementsTests {
    @Test func allocatedBytesCountsEachFileOnceAndFollowsNoSymlink() throws {
        try TemporaryDirectory.with { directory in
            let tree = "\(directory)/tree"
            try FileManager.default.createDirectory(atPath: "\(tree)/sub", withIntermediateDirectories: true)
            let megabyte = Data(repeating: 0x5A, count: 1 << 20)
            try megabyte.write(to: URL(fileURLWithPath: "\(tree)/sub/data"))
            #expect(link("\(tree)/sub/data", "\(tree)/hardlink") == 0)
            // A file outside the tree that a symlink points to must not be counted.
            try Data(repeating: 1, count: 4 << 20).write(to: URL(fileURLWithPath: "\(directory)/outside"))
            #expect(symlink("\(directory)/outside", "\(tree)/symlink") == 0)
            let bytes = LXCDriver.allocatedBytes(ofTree: tree)
            #expect(bytes >= 1 << 20)
            #expect(bytes < (1 << 20) + 64 * 1024)
        }
    }

    @Test func aMissingTreeTakesNothing() {
        #expect(LXCDriver.allocatedBytes(ofTree: "/nonexistent/berth") == 0)
    }
}
