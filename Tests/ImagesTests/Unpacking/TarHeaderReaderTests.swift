import Foundation
import Testing

@testable import Images

@Suite struct TarHeaderReaderTests {
    private func members(_ builder: TarBuilder, layout: TarHeaderReader.Layout = .image) throws -> [TarMember] {
        var reader = TarHeaderReader(layout: layout)
        return try reader.append(builder.bytes)
    }

    private func refusal(_ builder: TarBuilder, layout: TarHeaderReader.Layout = .image) -> TarArchiveError? {
        var reader = TarHeaderReader(layout: layout)
        do throws(TarArchiveError) {
            try reader.append(builder.bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsAnImageLayoutWithNormalisedPathsAndSkipsData() throws {
        var tar = TarBuilder()
        tar.directory("./")
        tar.file("./metadata.yaml", Array("architecture: x86_64\n".utf8))
        tar.directory("./rootfs/")
        tar.directory("rootfs//bin/")
        tar.file("rootfs/bin/busybox", [UInt8](repeating: 0x41, count: 1300))
        tar.symlink("rootfs/bin/sh", to: "/bin/busybox")
        tar.hardLink("rootfs/bin/ls", to: "./rootfs/bin/busybox")
        tar.device("rootfs/dev/null")
        tar.append(TarBuilder.header("rootfs/run/initctl", type: "6"))
        tar.end()
        let read = try members(tar)
        #expect(
            read.map(\.path) == [
                "", "metadata.yaml", "rootfs", "rootfs/bin", "rootfs/bin/busybox", "rootfs/bin/sh",
                "rootfs/bin/ls", "rootfs/dev/null", "rootfs/run/initctl",
            ])
        #expect(read[4] == TarMember(path: "rootfs/bin/busybox", kind: .file, linkTarget: nil, size: 1300))
        #expect(read[5].linkTarget == "/bin/busybox" && read[5].kind == .symbolicLink)
        #expect(read[6].linkTarget == "rootfs/bin/busybox" && read[6].kind == .hardLink)
        #expect(read[7].kind == .characterDevice && read[8].kind == .fifo)
    }

    @Test(arguments: [
        ("/etc/passwd", TarArchiveError.absolutePath("/etc/passwd")),
        ("../outside", .parentComponent("../outside")),
        ("rootfs/../../outside", .parentComponent("rootfs/../../outside")),
        ("rootfs/a/..", .parentComponent("rootfs/a/..")),
        ("./", .emptyPath(offset: 0)),
    ])
    func refusesMemberPathsThatLeaveTheRoot(path: String, expected: TarArchiveError) {
        var tar = TarBuilder()
        tar.file(path, [1, 2, 3])
        #expect(refusal(tar) == expected)
    }

    @Test func refusesHardLinksWhoseTargetLeavesTheRoot() {
        for target in ["/etc/shadow", "../../etc/shadow", ""] {
            var tar = TarBuilder()
            tar.hardLink("rootfs/shadow", to: target)
            #expect(refusal(tar) != nil, "\(target)")
        }
    }

    @Test func symlinksMayPointAnywhereButNothingIsWrittenThroughThem() {
        var allowed = TarBuilder()
        allowed.symlink("rootfs/etc/mtab", to: "/proc/self/mounts")
        allowed.symlink("rootfs/lib", to: "../../../usr/lib")
        allowed.file("rootfs/lib", [1])  // replacing the link itself is not writing through it
        #expect(refusal(allowed) == nil)

        var through = TarBuilder()
        through.symlink("rootfs/evil", to: "/etc")
        through.file("./rootfs//evil/passwd", [1])
        #expect(refusal(through) == .throughSymlink(path: "rootfs/evil/passwd", symlink: "rootfs/evil"))

        var deeper = TarBuilder()
        deeper.symlink("rootfs/usr", to: "/")
        deeper.directory("rootfs/usr/etc/cron.d/")
        #expect(refusal(deeper) == .throughSymlink(path: "rootfs/usr/etc/cron.d", symlink: "rootfs/usr"))

        var linkTarget = TarBuilder()
        linkTarget.symlink("rootfs/evil", to: "/etc")
        linkTarget.hardLink("rootfs/shadow", to: "rootfs/evil/shadow")
        #expect(refusal(linkTarget) == .throughSymlink(path: "rootfs/evil/shadow", symlink: "rootfs/evil"))

        // A hard link to a symbolic link is a second symbolic link.
        var alias = TarBuilder()
        alias.symlink("rootfs/a", to: "/etc")
        alias.hardLink("rootfs/b", to: "rootfs/a")
        alias.file("rootfs/b/passwd", [1])
        #expect(refusal(alias) == .throughSymlink(path: "rootfs/b/passwd", symlink: "rootfs/b"))

        // A directory made where a link was does not make the link safe to write through.
        var redefined = TarBuilder()
        redefined.symlink("rootfs/a", to: "/etc")
        redefined.directory("rootfs/a/")
        redefined.file("rootfs/a/passwd", [1])
        #expect(refusal(redefined) == .throughSymlink(path: "rootfs/a/passwd", symlink: "rootfs/a"))
    }

    @Test func devicesOnlyUnderTheImagesDevDirectory() {
        var unified = TarBuilder()
        unified.device("rootfs/dev/null")
        unified.device("rootfs/dev/sda", block: true)
        #expect(refusal(unified) == nil)

        for (path, layout) in [
            ("rootfs/tmp/null", TarHeaderReader.Layout.image), ("rootfs/dev", .image), ("dev/null", .image),
            ("rootfs/dev/null", .rootfs),
        ] {
            var tar = TarBuilder()
            tar.device(path, block: true)
            #expect(refusal(tar, layout: layout) == .deviceOutsideDev(path: path, allowed: layout.deviceDirectory))
        }
        var split = TarBuilder()
        split.device("./dev/console")
        #expect(refusal(split, layout: .rootfs) == nil)
    }

    @Test func whatTheImportReadsMustBeWhatItClaims() {
        var rootfsLink = TarBuilder()
        rootfsLink.symlink("./rootfs", to: "/")
        #expect(refusal(rootfsLink) == .reservedPath(path: "rootfs", expected: .directory, found: .symbolicLink))

        var metadataLink = TarBuilder()
        metadataLink.symlink("metadata.yaml", to: "/etc/shadow")
        #expect(refusal(metadataLink) == .reservedPath(path: "metadata.yaml", expected: .file, found: .symbolicLink))

        var metadataFIFO = TarBuilder()
        metadataFIFO.append(TarBuilder.header("metadata.yaml", type: "6"))
        #expect(refusal(metadataFIFO) == .reservedPath(path: "metadata.yaml", expected: .file, found: .fifo))

        var templates = TarBuilder()
        templates.hardLink("templates", to: "metadata.yaml")
        #expect(refusal(templates) == .reservedPath(path: "templates", expected: .directory, found: .hardLink))

        // A virtual machine's kernel, initramfs and disk are handed to QEMU: a link would boot the
        // VM from (or give it) a host file.
        var kernelLink = TarBuilder()
        kernelLink.directory("boot/")
        kernelLink.symlink("boot/vmlinuz", to: "/boot/vmlinuz-host")
        #expect(refusal(kernelLink) == .reservedPath(path: "boot/vmlinuz", expected: .file, found: .symbolicLink))

        var initrdLink = TarBuilder()
        initrdLink.file("metadata.yaml", Array("architecture: x86_64\n".utf8))
        initrdLink.hardLink("boot/initrd.img", to: "metadata.yaml")
        #expect(refusal(initrdLink) == .reservedPath(path: "boot/initrd.img", expected: .file, found: .hardLink))

        var diskLink = TarBuilder()
        diskLink.symlink("disk.img", to: "/dev/sda")
        #expect(refusal(diskLink) == .reservedPath(path: "disk.img", expected: .file, found: .symbolicLink))

        var bootLink = TarBuilder()
        bootLink.symlink("boot", to: "/boot")
        #expect(refusal(bootLink) == .reservedPath(path: "boot", expected: .directory, found: .symbolicLink))

        var diskDevice = TarBuilder()
        diskDevice.device("disk.img", block: true)
        #expect(refusal(diskDevice) == .reservedPath(path: "disk.img", expected: .file, found: .blockDevice))

        var machine = TarBuilder()
        machine.file("metadata.yaml", Array("architecture: x86_64\n".utf8))
        machine.directory("./boot/")
        machine.file("./boot/vmlinuz", [0x4D, 0x5A])
        machine.file("boot/initrd.img", [0x1F, 0x8B])
        machine.file("disk.img", [UInt8](repeating: 0, count: 4096))
        machine.end()
        #expect(refusal(machine) == nil)

        // Inside a split image's rootfs these are ordinary names.
        var inRootfs = TarBuilder()
        inRootfs.symlink("rootfs", to: "/")
        inRootfs.symlink("metadata.yaml", to: "/etc/os-release")
        inRootfs.symlink("boot", to: "/")
        inRootfs.symlink("disk.img", to: "/dev/sda")
        #expect(refusal(inRootfs, layout: .rootfs) == nil)
    }

    @Test func gnuLongNamesAndPaxPathsAreWhatGetsChecked() throws {
        let long = "rootfs/" + String(repeating: "d/", count: 80) + "file"
        var good = TarBuilder()
        good.gnuLong(long)
        good.file("rootfs/truncated-name", [7])
        good.gnuLong("rootfs/target", link: true)
        good.hardLink("rootfs/link", to: "ignored")
        good.pax([("path", "rootfs/from-pax"), ("mtime", "1700000000.5")])
        good.file("rootfs/ustar-name", [1, 2])
        good.file("file", [], prefix: "rootfs/prefixed")
        let read = try members(good)
        #expect(read.map(\.path) == [long, "rootfs/link", "rootfs/from-pax", "rootfs/prefixed/file"])
        #expect(read[1].linkTarget == "rootfs/target")

        var longEscape = TarBuilder()
        longEscape.gnuLong("rootfs/../../etc/passwd")
        longEscape.file("rootfs/harmless", [1])
        #expect(refusal(longEscape) == .parentComponent("rootfs/../../etc/passwd"))

        var paxEscape = TarBuilder()
        paxEscape.pax([("path", "/etc/passwd")])
        paxEscape.file("rootfs/harmless", [1])
        #expect(refusal(paxEscape) == .absolutePath("/etc/passwd"))

        var paxLink = TarBuilder()
        paxLink.pax([("linkpath", "../../etc/shadow")])
        paxLink.hardLink("rootfs/shadow", to: "rootfs/harmless")
        #expect(refusal(paxLink) == .parentComponent("../../etc/shadow"))

        // GNU's magic leaves the prefix field out of the name, as GNU tar reads it.
        var gnu = TarBuilder()
        gnu.append(TarBuilder.header("file", prefix: "/etc", magic: .gnu))
        #expect(try members(gnu).map(\.path) == ["file"])
    }

    @Test func paxSizeDecidesWhereTheNextHeaderIs() throws {
        // GNU tar skips the pax size (checked against tar 1.34): the block after is data, however
        // much it looks like a header.
        var tar = TarBuilder()
        tar.pax([("size", "512")])
        tar.append(TarBuilder.header("rootfs/outer"))
        tar.append(TarBuilder.header("/etc/passwd"))
        tar.file("rootfs/after")
        let read = try members(tar)
        #expect(read.map(\.path) == ["rootfs/outer", "rootfs/after"])
        #expect(read[0].size == 512)
    }

    @Test func linksDirectoriesAndDevicesWithDataAreRefused() {
        // GNU tar extracts these without skipping the data, so a lister and tar would disagree on
        // where the next header is.
        for type: Character in ["1", "2", "3", "4", "5", "6"] {
            var tar = TarBuilder()
            tar.append(TarBuilder.header("rootfs/dev/x", type: type, size: 512, link: "rootfs/y"))
            tar.append(TarBuilder.header("/etc/passwd"))
            #expect(refusal(tar) == .dataOnNonFile(path: "rootfs/dev/x", size: 512), "type \(type)")
        }
    }

    @Test func headersThatAreNotHeadersAreRefused() {
        var corrupt = TarBuilder()
        corrupt.file("rootfs/a", [1])
        corrupt.append(TarBuilder.header("rootfs/b", corruptChecksum: true))
        #expect(refusal(corrupt) == .badChecksum(offset: 1024))

        var text = TarBuilder()
        text.append(TarBuilder.padded(Array("this is not a tarball".utf8)))
        #expect(refusal(text) == .badChecksum(offset: 0))

        var size = TarBuilder()
        size.append(TarBuilder.header("rootfs/a", sizeField: Array("12x".utf8)))
        #expect(refusal(size) == .malformedNumber(field: "size", offset: 0))

        for type: Character in ["S", "M", "D", "V", "N", "A"] {
            var tar = TarBuilder()
            tar.append(TarBuilder.header("rootfs/a", type: type))
            #expect(refusal(tar) == .unsupportedType(type: type.asciiValue!, offset: 0))
        }
    }

    @Test func extendedHeadersAreBounded() {
        var huge = TarBuilder()
        huge.append(TarBuilder.header("././@LongLink", type: "L", size: (1 << 20) + 1, magic: .gnu))
        #expect(refusal(huge) == .extendedHeaderTooLarge(size: (1 << 20) + 1, limit: 1 << 20))

        var hugePax = TarBuilder()
        hugePax.append(TarBuilder.header("PaxHeaders/x", type: "x", size: 64 << 20))
        #expect(refusal(hugePax) == .extendedHeaderTooLarge(size: 64 << 20, limit: 1 << 20))

        var twice = TarBuilder()
        twice.gnuLong("rootfs/a")
        twice.gnuLong("rootfs/b")
        #expect(refusal(twice) == .duplicateExtendedHeader(offset: 1024))

        for records in [[("path", "")], [("size", "12a")], [("GNU.sparse.major", "1")]] {
            var tar = TarBuilder()
            tar.pax(records)
            tar.file("rootfs/a")
            #expect(refusal(tar) != nil, "\(records)")
        }
        var malformed = TarBuilder()
        let data = Array("99 path=rootfs/a\n".utf8)
        malformed.append(TarBuilder.header("PaxHeaders/x", type: "x", size: data.count) + TarBuilder.padded(data))
        #expect(
            refusal(malformed) == .malformedPaxHeader(offset: 0, reason: "a record's length does not match its text"))

        var global = TarBuilder()
        global.pax([("path", "rootfs/everything")], global: true)
        #expect(refusal(global) == .malformedPaxHeader(offset: 0, reason: "a global header sets path"))
        var harmlessGlobal = TarBuilder()
        harmlessGlobal.pax([("comment", "built by distrobuilder")], global: true)
        harmlessGlobal.file("rootfs/a")
        #expect(refusal(harmlessGlobal) == nil)
    }

    @Test func theFirstZeroBlockEndsTheArchiveAsForGNUTar() throws {
        var tar = TarBuilder()
        tar.file("rootfs/a", [1])
        tar.append([UInt8](repeating: 0, count: 512))
        tar.file("/etc/passwd", [1])  // tar stops before it: never extracted, so not refused
        var reader = TarHeaderReader()
        #expect(try reader.append(tar.bytes).map(\.path) == ["rootfs/a"])
        #expect(reader.state == .end && reader.isAtMemberBoundary)
    }

    @Test func numericFieldsInEveryFormWritersUse() {
        #expect(TarHeaderReader.number(Array("00000001750\0".utf8)[...]) == 1000)
        #expect(TarHeaderReader.number(Array("     1750 \0\0".utf8)[...]) == 1000)
        #expect(TarHeaderReader.number([UInt8](repeating: 0, count: 12)[...]) == 0)
        #expect(TarHeaderReader.number(([0x80] + [UInt8](repeating: 0, count: 7) + [0x02, 0, 0, 0])[...]) == 1 << 25)
        #expect(TarHeaderReader.number(([0xFF] + [UInt8](repeating: 0xFF, count: 11))[...]) == nil)
        #expect(TarHeaderReader.number(([0x80] + [UInt8](repeating: 0xFF, count: 11))[...]) == nil)
        #expect(TarHeaderReader.number(Array("        \0\0\0\0".utf8)[...]) == nil)
        #expect(TarHeaderReader.number(Array("0000175 x\0\0\0".utf8)[...]) == nil)
        #expect(TarHeaderReader.number(Array("00000001798\0".utf8)[...]) == nil)
    }

    @Test func anySplitOfTheStreamReadsTheSame() throws {
        var tar = TarBuilder()
        tar.pax([("path", "rootfs/" + String(repeating: "p", count: 300))])
        tar.file("rootfs/x", [UInt8](repeating: 9, count: 700))
        tar.gnuLong("rootfs/" + String(repeating: "l", count: 200))
        tar.symlink("ignored", to: "/usr/bin")
        tar.file("rootfs/last", [1, 2, 3])
        tar.end()
        var whole = TarHeaderReader()
        let expected = try whole.append(tar.bytes)
        #expect(expected.count == 3)
        for chunk in [1, 7, 511, 512, 513, 4096] {
            var reader = TarHeaderReader()
            var read: [TarMember] = []
            var start = 0
            while start < tar.bytes.count {
                let end = min(start + chunk, tar.bytes.count)
                read += try reader.append(Array(tar.bytes[start..<end]))
                start = end
            }
            #expect(read == expected, "chunks of \(chunk)")
            #expect(reader.offset == Int64(tar.bytes.count))
        }
    }

    @Test(arguments: ["gnu", "posix", "ustar"])
    func readsWhatGNUTarWritesFromARealTree(format: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-tar-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let deep = "rootfs/usr/share/" + String(repeating: "long-directory-name/", count: format == "ustar" ? 3 : 8)
        try FileManager.default.createDirectory(atPath: "\(root)/tree/\(deep)", withIntermediateDirectories: true)
        try Data("hello".utf8).write(to: URL(fileURLWithPath: "\(root)/tree/\(deep)/file.txt"))
        try Data(count: 70_000).write(to: URL(fileURLWithPath: "\(root)/tree/rootfs/big"))
        try FileManager.default.createSymbolicLink(
            atPath: "\(root)/tree/rootfs/sh", withDestinationPath: "/bin/busybox")
        try FileManager.default.linkItem(atPath: "\(root)/tree/rootfs/big", toPath: "\(root)/tree/rootfs/big-link")
        let archive = "\(root)/image.tar"
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["--format=\(format)", "-cf", archive, "-C", "\(root)/tree", "."]
        try tar.run()
        tar.waitUntilExit()
        #expect(tar.terminationStatus == 0)

        var reader = TarHeaderReader()
        let read = try reader.append(Array(try Data(contentsOf: URL(fileURLWithPath: archive))))
        let paths = Set(read.map(\.path))
        #expect(paths.contains("\(deep)file.txt"))
        #expect(paths.isSuperset(of: ["", "rootfs", "rootfs/big", "rootfs/big-link", "rootfs/sh"]))
        #expect(read.first { $0.path == "rootfs/sh" }?.linkTarget == "/bin/busybox")
        #expect(reader.state == .end)
    }
}
