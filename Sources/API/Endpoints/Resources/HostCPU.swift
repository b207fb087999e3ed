import Foundation
import JSON

/// The host's CPUs as `GET /1.0/resources` reports them (LXD's `api.ResourcesCPU`): sockets, their
/// cores and the threads of each, from `/proc/cpuinfo`.
struct HostCPU: Sendable, Equatable {
    struct Socket: Sendable, Equatable {
        var socket: Int
        var name: String
        var vendor: String
        var cores: [Core]
    }

    struct Core: Sendable, Equatable {
        var core: Int
        /// MHz, whole, as LXD reports it; 0 when unknown.
        var frequency: Int
        /// Logical CPU numbers (`processor`) of the core's threads, in the order listed.
        var threads: [Int]
    }

    var architecture: String
    var sockets: [Socket]

    /// Logical CPUs: LXD's `total`.
    var total: Int { sockets.reduce(0) { $0 + $1.cores.reduce(0) { $0 + $1.threads.count } } }

    /// Parses `/proc/cpuinfo`: one block per logical CPU. Blocks without `physical id` or `core id`
    /// (some architectures omit them) count as socket 0 and a core of their own.
    static func parse(cpuinfo: String, architecture: String) -> HostCPU {
        var sockets: [Socket] = []
        for block in cpuinfo.split(separator: "\n\n", omittingEmptySubsequences: true) {
            var fields: [String: String] = [:]
            for line in block.split(separator: "\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                fields[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            guard let processor = fields["processor"].flatMap({ Int($0) }) else { continue }
            let socketID = fields["physical id"].flatMap { Int($0) } ?? 0
            let coreID = fields["core id"].flatMap { Int($0) } ?? processor
            let frequency = fields["cpu MHz"].flatMap { Double($0) }.map { Int($0) } ?? 0
            var socketIndex = sockets.firstIndex { $0.socket == socketID }
            if socketIndex == nil {
                sockets.append(
                    Socket(
                        socket: socketID, name: fields["model name"] ?? fields["Processor"] ?? "",
                        vendor: fields["vendor_id"] ?? fields["CPU implementer"] ?? "", cores: []))
                socketIndex = sockets.count - 1
            }
            let index = socketIndex!
            if let coreIndex = sockets[index].cores.firstIndex(where: { $0.core == coreID }) {
                sockets[index].cores[coreIndex].threads.append(processor)
            } else {
                sockets[index].cores.append(Core(core: coreID, frequency: frequency, threads: [processor]))
            }
        }
        return HostCPU(architecture: architecture, sockets: sockets.sorted { $0.socket < $1.socket })
    }

    var json: JSONValue {
        .object([
            ("architecture", .string(architecture)),
            (
                "sockets",
                .array(
                    sockets.map { socket in
                        .object([
                            ("name", .string(socket.name)), ("vendor", .string(socket.vendor)),
                            ("socket", .int(socket.socket)),
                            (
                                "cores",
                                .array(
                                    socket.cores.map { core in
                                        .object([
                                            ("core", .int(core.core)), ("die", .int(0)),
                                            (
                                                "threads",
                                                .array(
                                                    core.threads.enumerated().map { thread, id in
                                                        .object([
                                                            ("id", .int(id)), ("numa_node", .int(0)),
                                                            ("thread", .int(thread)), ("online", .bool(true)),
                                                            ("isolated", .bool(false)),
                                                        ])
                                                    })
                                            ),
                                            ("frequency", .int(core.frequency)),
                                        ])
                                    })
                            ),
                        ])
                    })
            ),
            ("total", .int(total)),
        ])
    }
}
