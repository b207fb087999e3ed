import Foundation
import Testing

@testable import API

/// `HostDisk.scan` over a made-up `/sys` tree with the kernel's layout: `/sys/block` entries are
/// symlinks into `/sys/devices`.
@Suite struct HostDiskTests {
    @Test func physicalDisksAreListedWithPartitionsAndVirtualOnesLeftOut() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-sysblock-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        let manager = FileManager.default
        func write(_ path: String, _ text: String) throws {
            try manager.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }
        let vda = "\(root)/devices/pci0000:00/0000:00:02.0/virtio1/block/vda"
        try write("\(vda)/dev", "254:0\n")
        try write("\(vda)/size", "1000\n")
        try write("\(vda)/ro", "0\n")
        try write("\(vda)/removable", "0\n")
        try write("\(vda)/vda1/partition", "1\n")
        try write("\(vda)/vda1/dev", "254:1\n")
        try write("\(vda)/vda1/size", "800\n")
        try write("\(vda)/vda1/ro", "1\n")
        let loop = "\(root)/devices/virtual/block/loop0"
        try write("\(loop)/dev", "7:0\n")
        try write("\(loop)/size", "0\n")
        try manager.createDirectory(atPath: "\(root)/block", withIntermediateDirectories: true)
        try manager.createSymbolicLink(
            atPath: "\(root)/block/vda", withDestinationPath: "../devices/pci0000:00/0000:00:02.0/virtio1/block/vda")
        try manager.createSymbolicLink(
            atPath: "\(root)/block/loop0", withDestinationPath: "../devices/virtual/block/loop0")

        let disks = HostDisk.scan(sysBlock: "\(root)/block")
        #expect(disks.map(\.id) == ["vda"])
        #expect(disks.first?.device == "254:0")
        #expect(disks.first?.type == "virtio")
        #expect(disks.first?.size == 512_000)
        #expect(disks.first?.readOnly == false)
        #expect(
            disks.first?.partitions
                == [HostDisk.Partition(id: "vda1", device: "254:1", readOnly: true, size: 409_600, partition: 1)])
    }

    @Test(arguments: [
        ("nvme0n1", "../devices/pci0000:00/0000:00:1d.0/nvme/nvme0/nvme0n1", "nvme"),
        ("sda", "../devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block/sda", "scsi"),
        ("sdb", "../devices/pci0000:00/0000:00:14.0/usb2/2-1/2-1:1.0/host6/target6:0:0/6:0:0:0/block/sdb", "usb"),
        ("mmcblk0", "../devices/platform/soc/mmc0/mmc0:0001/block/mmcblk0", "mmc"),
    ])
    func theBusIsNamedFromTheDevicePath(name: String, target: String, bus: String) {
        #expect(HostDisk.bus(of: name, target: target) == bus)
    }
}
