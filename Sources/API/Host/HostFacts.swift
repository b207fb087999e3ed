import Foundation

/// Facts about the host that `GET /1.0` reports in `environment`, read once at start-up from the
/// kernel and `/etc/os-release` (nothing here is made up).
public struct HostFacts: Sendable, Equatable {
    public var kernel: String
    public var kernelVersion: String
    public var kernelArchitecture: String
    public var architectures: [String]
    public var serverName: String
    public var osName: String
    public var osVersion: String
    public var serverPID: Int32

    public init(
        kernel: String, kernelVersion: String, kernelArchitecture: String, architectures: [String],
        serverName: String, osName: String, osVersion: String, serverPID: Int32
    ) {
        self.kernel = kernel
        self.kernelVersion = kernelVersion
        self.kernelArchitecture = kernelArchitecture
        self.architectures = architectures
        self.serverName = serverName
        self.osName = osName
        self.osVersion = osVersion
        self.serverPID = serverPID
    }

    /// Reads the running host.
    public static func current(osReleasePath: String = "/etc/os-release") -> HostFacts {
        var names = utsname()
        uname(&names)
        func field<T>(_ value: inout T) -> String {
            withUnsafeBytes(of: &value) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        let machine = field(&names.machine)
        let osRelease = (try? String(contentsOfFile: osReleasePath, encoding: .utf8)).map(parseOSRelease) ?? [:]
        return HostFacts(
            kernel: field(&names.sysname), kernelVersion: field(&names.release), kernelArchitecture: machine,
            architectures: personalities(for: machine), serverName: field(&names.nodename),
            osName: osRelease["NAME"] ?? "", osVersion: osRelease["VERSION_ID"] ?? "", serverPID: getpid())
    }

    /// The kernel's architecture name (`uname -m`): what an instance without an image runs as.
    public static var machine: String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// The architectures this kernel runs natively plus its 32-bit personality, as LXD lists them.
    static func personalities(for machine: String) -> [String] {
        switch machine {
        case "x86_64": ["x86_64", "i686"]
        case "aarch64": ["aarch64", "armv7l"]
        case "ppc64le": ["ppc64le"]
        case "s390x": ["s390x"]
        default: [machine]
        }
    }

    /// `KEY=value` / `KEY="quoted value"` lines (os-release(5)).
    static func parseOSRelease(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "="), !line.hasPrefix("#") else { continue }
            var value = line[line.index(after: equals)...]
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = value.dropFirst().dropLast()
            }
            values[String(line[..<equals])] = String(value)
        }
        return values
    }
}
