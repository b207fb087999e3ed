import Instances

/// The `instances.*` server configuration keys: validation and the settings they make.
public enum InstancesConfigKeys {
    /// `instances.vm.max_booting`: 1 to 64.
    static func maxBooting(_ value: String) -> Int? {
        guard let count = Int(value), (1...64).contains(count) else { return nil }
        return count
    }

    /// `instances.vm.boot_timeout`: seconds, 1 to 3600.
    static func bootTimeoutSeconds(_ value: String) -> Int? {
        guard let seconds = Int(value), (1...3_600).contains(seconds) else { return nil }
        return seconds
    }

    static let validators: [String: ServerConfigKeys.Validator] = [
        "instances.vm.max_booting": { maxBooting($0) == nil ? "expected an integer from 1 to 64" : nil },
        "instances.vm.boot_timeout": { value in
            bootTimeoutSeconds(value) == nil ? "expected seconds, an integer from 1 to 3600" : nil
        },
    ]

    /// The settings under `config`: keys that are absent take their defaults.
    public static func settings(_ config: [String: String]) -> InstanceSettings {
        let defaults = InstanceSettings()
        return InstanceSettings(
            maxBootingVirtualMachines: config["instances.vm.max_booting"].flatMap(maxBooting)
                ?? defaults.maxBootingVirtualMachines,
            virtualMachineBootTimeout: config["instances.vm.boot_timeout"].flatMap(bootTimeoutSeconds)
                .map { .seconds($0) } ?? defaults.virtualMachineBootTimeout)
    }
}
