import Foundation
import Testing

@testable import Drivers

@Suite struct IDMapTests {
    @Test func takesRootsFirstRangeOfAtLeast65536IDs() throws {
        try TemporaryDirectory.with { directory in
            try "_lxd:100000:10000001\nroot:1000:100\nroot:200000:65536\n".write(
                toFile: "\(directory)/subuid", atomically: false, encoding: .utf8)
            try "# comment\n0:300000:70000\n".write(toFile: "\(directory)/subgid", atomically: false, encoding: .utf8)
            let map = try IDMap.fromSubordinateIDs(subuid: "\(directory)/subuid", subgid: "\(directory)/subgid")
            #expect(map == IDMap(hostUID: 200000, hostGID: 300000, count: 65536))
            #expect(map.lxcLines == ["lxc.idmap = u 0 200000 65536", "lxc.idmap = g 0 300000 65536"])
        }
    }

    @Test func aUserWithoutARangeIsAnError() throws {
        try TemporaryDirectory.with { directory in
            try "_lxd:100000:10000001\nroot:100000:1000\n".write(
                toFile: "\(directory)/subuid", atomically: false, encoding: .utf8)
            #expect(throws: InstanceDriverError.noSubordinateIDs(file: "\(directory)/subuid", user: "root")) {
                try IDMap.fromSubordinateIDs(subuid: "\(directory)/subuid", subgid: "\(directory)/subuid")
            }
            #expect(throws: InstanceDriverError.noSubordinateIDs(file: "\(directory)/missing", user: "root")) {
                try IDMap.fromSubordinateIDs(subuid: "\(directory)/missing", subgid: "\(directory)/subuid")
            }
        }
    }

    // The CI machines' /etc/subuid (root:100000:10000001), which the real-LXC tests rely on too.
    @Test(.enabled(if: LXCFixture.isAvailable)) func thisHostGivesRootTheRangeFrom100000() throws {
        let map = try IDMap.fromSubordinateIDs()
        #expect(map == IDMap(hostUID: 100000, hostGID: 100000))
    }

    @Test func idsBeyondTheMapBecomeTheContainersNobody() {
        let map = IDMap(hostUID: 100000, hostGID: 200000)
        #expect(map.hostUID(0) == 100000)
        #expect(map.hostUID(1000) == 101000)
        #expect(map.hostUID(65535) == 165535)
        #expect(map.hostUID(70000) == 165534)
        #expect(map.hostGID(5) == 200005)
    }
}
