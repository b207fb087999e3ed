import Foundation
import Testing

@testable import Drivers

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct OwnershipShiftTests {
    let first = IDMap(hostUID: 100000, hostGID: 200000)
    let second = IDMap(hostUID: 300000, hostGID: 400000)

    @Test func anImagesIDsBecomeTheMapsAndBack() {
        let shift = OwnershipShift(from: nil, to: first)
        #expect(shift.uid(0) == 100000 && shift.gid(5) == 200005)
        #expect(shift.uid(70000) == 165534)
        let back = OwnershipShift(from: first, to: nil)
        #expect(back.uid(101000) == 1000 && back.gid(200005) == 5)
        // Outside the source's map, the container saw nobody.
        #expect(back.uid(0) == 65534 && back.uid(165536) == 65534)
    }

    @Test func oneMapsIDsBecomeAnothers() {
        let shift = OwnershipShift(from: first, to: second)
        #expect(shift.uid(100000) == 300000 && shift.gid(201000) == 401000)
        #expect(shift.uid(5) == 365534)
        #expect(!shift.isIdentity)
        #expect(OwnershipShift(from: first, to: first).isIdentity)
        #expect(OwnershipShift(from: nil, to: nil).isIdentity)
    }

    @Test(.enabled(if: getuid() == 0, "chown needs root"))
    func anIdentityChangesNothingAndAnotherMapChangesEveryEntry() throws {
        try TemporaryDirectory.with { directory in
            let root = "\(directory)/delta"
            try FileManager.default.createDirectory(atPath: "\(root)/etc", withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: "\(root)/etc/passwd", contents: Data()))
            chown("\(root)/etc/passwd", 101000, 201000)
            chown(root, 100000, 200000)
            #expect(try OwnershipShift(from: first, to: first).apply(toTree: root) == 0)
            #expect(try OwnershipShift(from: first, to: second).apply(toTree: root) == 3)
            var info = stat()
            lstat("\(root)/etc/passwd", &info)
            #expect(info.st_uid == 301000 && info.st_gid == 401000)
            lstat("\(root)/etc", &info)
            #expect(info.st_uid == 365534)
        }
    }
}
