import Foundation
import JSON

/// One block device of the host as `GET /1.0/resources` lists it (LXD's `api.ResourcesStorageDisk`),
/// read from `/sys/block`.
struct HostDisk: Sendable, Equatable {
    struct Partition: Sendable, Equatable {
        var id: String
        var device: String
        var readOnly: Bool
        var size: UInt64
        var partition: Int
    }

    var id: String
    /// `major:minor`.
    var device: String
    /// The bus, as LXD names it (`virtio`, `nvme`, `scsi`, `usb`, `mmc`); empty when unknown.
    var type: String
    var model: String
    var readOnly: Bool
    var removable: Bool
    var size: UInt64
    var partitions: [Partition]

    /// The physical disks under `sysBlock`: devices the kernel lists under `/sys/devices/virtual`
    /// (loop, zram, device-mapper, md) are left out, as LXD leaves them out.
    static func scan(sysBlock: String = "/sys/block") -> [HostDisk] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sysBlock)) ?? []
        return names.sorted().compactMap { name in
            let directory = "\(sysBlock)/\(name)"
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory),
                !target.contains("/devices/virtual/")
            else { return nil }
            let partitions = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
                .compactMap { entry -> Partition? in
                    let path = "\(directory)/\(entry)"
                    guard let number = read(path + "/partition").flatMap({ Int($0) }) else { return nil }
                    return Partition(
                        id: entry, device: read(path + "/dev") ?? "", readOnly: read(path + "/ro") == "1",
                        size: sectors(path + "/size"), partition: number)
                }
            return HostDisk(
                id: name, device: read(directory + "/dev") ?? "", type: bus(of: name, target: target),
                model: read(directory + "/device/model") ?? "", readOnly: read(directory + "/ro") == "1",
                removable: read(directory + "/removable") == "1", size: sectors(directory + "/size"),
                partitions: partitions)
        }
    }

    /// From the device's path in sysfs, which names the bus it hangs off.
    static func bus(of name: String, target: String) -> String {
        if name.hasPrefix("nvme") { return "nvme" }
        if name.hasPrefix("mmcblk") { return "mmc" }
        if target.contains("/virtio") { return "virtio" }
        if target.contains("/usb") { return "usb" }
        if target.contains("/ata") || target.contains("/host") { return "scsi" }
        return ""
    }

    /// `size` files count 512-byte sectors whatever the device's block size.
    private static func sectors(_ path: String) -> UInt64 { (read(path).flatMap { UInt64($0) } ?? 0) * 512 }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    var json: JSONValue {
        .object([
            ("id", .string(id)), ("device", .string(device)), ("model", .string(model)), ("type", .string(type)),
            ("read_only", .bool(readOnly)), ("size", .int(Int(size))), ("removable", .bool(removable)),
            ("numa_node", .int(0)), ("device_path", .string("")), ("block_size", .int(0)),
            ("firmware_version", .string("")), ("rpm", .int(0)), ("serial", .string("")), ("device_id", .string("")),
            (
                "partitions",
                .array(
                    partitions.map { partition in
                        .object([
                            ("id", .string(partition.id)), ("device", .string(partition.device)),
                            ("read_only", .bool(partition.readOnly)), ("size", .int(Int(partition.size))),
                            ("partition", .int(partition.partition)),
                        ])
                    })
            ),
        ])
    }
}
