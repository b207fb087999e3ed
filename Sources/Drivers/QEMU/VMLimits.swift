/// What a VM gets from the host, from its LXD config: `limits.memory` (a size such as `512MiB`,
/// or a percentage of the host's memory) becomes `-m`, `limits.cpu` (a count, or a CPU list such as
/// `0-1`, which counts its CPUs; VMs are not pinned) becomes `-smp`.
struct VMLimits: Sendable, Equatable {
    static let defaultMemory: UInt64 = 1 << 30
    /// Below this a kernel and its initramfs do not even unpack.
    static let minimumMemory: UInt64 = 32 << 20
    static let maximumCPUs = 255

    var memory: UInt64 = defaultMemory
    var cpus = 1

    init(memory: UInt64 = defaultMemory, cpus: Int = 1) {
        self.memory = memory
        self.cpus = cpus
    }

    /// Throws `invalidConfig` for a value QEMU could not be given. `hostMemory` resolves percentages.
    init(config: [String: String], hostMemory: UInt64?) throws {
        if let value = config["limits.memory"], !value.isEmpty {
            memory = try Self.memory(value, hostMemory: hostMemory)
        }
        if let value = config["limits.cpu"], !value.isEmpty {
            let count = Int(value) ?? CPUSet(parsing: value)?.cpus.count
            guard let count, (1...Self.maximumCPUs).contains(count) else {
                throw InstanceDriverError.invalidConfig(
                    key: "limits.cpu", value: value,
                    reason: "expected a number of CPUs from 1 to \(Self.maximumCPUs) or a CPU list such as 0-1")
            }
            cpus = count
        }
    }

    /// `-m`'s value: whole MiB.
    var memoryArgument: String { "\(memory >> 20)M" }

    private static func memory(_ value: String, hostMemory: UInt64?) throws -> UInt64 {
        let bytes: UInt64?
        if value.hasSuffix("%") {
            let percent = UInt64(value.dropLast()).flatMap { (1...100).contains($0) ? $0 : nil }
            bytes = percent.flatMap { percent in hostMemory.map { $0 / 100 * percent + $0 % 100 * percent / 100 } }
        } else {
            bytes = ByteSize.parse(value)
        }
        guard let bytes, bytes >= minimumMemory, bytes <= 1 << 42 else {
            throw InstanceDriverError.invalidConfig(
                key: "limits.memory", value: value,
                reason: "expected a size from 32MiB to 4TiB such as 512MiB, or a percentage of the host's memory")
        }
        return bytes
    }
}
