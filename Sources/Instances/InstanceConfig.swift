import Foundation

/// Which instance config keys Berth accepts. A key it would store but not honour is refused, so
/// that `lxc config set` never reports success for a setting that does nothing.
public enum InstanceConfig {
    /// Keys the LXC driver applies.
    static let appliedKeys: Set<String> = ["limits.cpu", "limits.memory", "limits.processes", "security.privileged"]

    /// Free-form namespaces LXD stores as they are: user data, exec environment, the image's
    /// properties and LXD's own volatile state.
    static let freeFormPrefixes = ["user.", "environment.", "image.", "volatile."]

    /// LXD's message for the first key that cannot be accepted, or nil.
    public static func problem(_ config: [String: String]) -> String? {
        for (key, value) in config.sorted(by: { $0.key < $1.key }) {
            if freeFormPrefixes.contains(where: { key.hasPrefix($0) && key.count > $0.count }) { continue }
            guard appliedKeys.contains(key) else { return "Invalid config: Unknown configuration key: \(key)" }
            if key == "security.privileged" && !["true", "false", ""].contains(value) {
                return "Invalid value for config key \"\(key)\": Invalid value for a boolean \"\(value)\""
            }
        }
        return nil
    }

    /// The limits an `instance_type` stands for (LXD's `c<CPUs>-m<GiB>` form, e.g. `c2-m4`,
    /// `c0.5-m1.5`), added where `config` does not set them already. Cloud names (`t2.micro`) come
    /// from a table LXD downloads; Berth has no network access to do that and refuses them.
    public static func applyingInstanceType(_ type: String, to config: [String: String]) throws(InstanceError)
        -> [String: String]
    {
        let parts = type.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].hasPrefix("c"), parts[1].hasPrefix("m"),
            let cpus = Double(parts[0].dropFirst()), cpus > 0, cpus <= 1024, cpus.isFinite,
            let gibibytes = Double(parts[1].dropFirst()), gibibytes > 0, gibibytes <= 1_048_576, gibibytes.isFinite
        else { throw InstanceError.badRequest("Provided instance type doesn't exist: \(type)") }
        var config = config
        if config["limits.cpu"] == nil {
            config["limits.cpu"] = String(Int(cpus.rounded(.up)))
        }
        if config["limits.memory"] == nil {
            config["limits.memory"] = "\(Int((gibibytes * 1024).rounded()))MiB"
        }
        return config
    }
}
