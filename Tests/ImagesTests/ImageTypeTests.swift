import Foundation
import Testing

@testable import Images

/// `ImageType(unpacked:)` on directories as tar would leave them, including what the tar header
/// checks already refuse (links, devices), since the type is read from the files themselves.
@Suite struct ImageTypeTests {
    private func scratch(_ build: (String) throws -> Void) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-type-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory + "/boot", withIntermediateDirectories: true)
        try build(directory)
        return directory
    }

    private func write(_ path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data([1])) else {
            throw CocoaError(.fileWriteUnknown)
        }
    }

    @Test func kernelAndInitrdMakeAVirtualMachine() throws {
        let directory = try scratch {
            try write($0 + "/boot/vmlinuz")
            try write($0 + "/boot/initrd.img")
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try ImageType(unpacked: directory) == .virtualMachine)
    }

    @Test func aRootfsMakesAContainer() throws {
        let directory = try scratch {
            try FileManager.default.removeItem(atPath: $0 + "/boot")
            try FileManager.default.createDirectory(atPath: $0 + "/rootfs", withIntermediateDirectories: false)
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try ImageType(unpacked: directory) == .container)
    }

    @Test func linksAndDirectoriesAreNotTheFilesTheyNameOrLeadTo() throws {
        let linked = try scratch {
            try write($0 + "/boot/initrd.img")
            try FileManager.default.createSymbolicLink(atPath: $0 + "/boot/vmlinuz", withDestinationPath: "initrd.img")
        }
        defer { try? FileManager.default.removeItem(atPath: linked) }
        #expect(throws: ImageError.self) { try ImageType(unpacked: linked) }

        let diskDirectory = try scratch {
            try write($0 + "/boot/vmlinuz")
            try write($0 + "/boot/initrd.img")
            try FileManager.default.createDirectory(atPath: $0 + "/disk.img", withIntermediateDirectories: false)
        }
        defer { try? FileManager.default.removeItem(atPath: diskDirectory) }
        #expect(throws: ImageError.invalidTarball("disk.img is not a regular file")) {
            try ImageType(unpacked: diskDirectory)
        }

        let rootfsLink = try scratch {
            try FileManager.default.removeItem(atPath: $0 + "/boot")
            try FileManager.default.createSymbolicLink(atPath: $0 + "/rootfs", withDestinationPath: "/")
        }
        defer { try? FileManager.default.removeItem(atPath: rootfsLink) }
        #expect(throws: ImageError.self) { try ImageType(unpacked: rootfsLink) }
    }
}
