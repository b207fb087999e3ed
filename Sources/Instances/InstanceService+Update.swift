import Drivers
import Images
import JSON
import Operations
import Store

extension InstanceService {
    /// The profiles an instance may name. Only LXD's `default` exists until profiles are editable.
    static let profiles: Set<String> = ["default"]

    /// Refuses, with LXD's kind of message, a config, device list or profile list that Berth would
    /// not honour; `current` is the instance being changed (nil at create), `type` its type.
    /// Nothing is changed.
    public func check(_ values: InstanceWritable, name: String, type: String, current: InstanceWritable?) async throws {
        if let problem = InstanceConfig.problem(values.config) { throw InstanceError.badRequest(problem) }
        if let current, values.architecture != current.architecture {
            throw InstanceError.badRequest("Changing the architecture of an instance is not supported")
        }
        if let current,
            (values.config["security.privileged"] ?? "false") != (current.config["security.privileged"] ?? "false")
        {
            // Its root filesystem's ownership would have to be shifted to the other id map.
            throw InstanceError.badRequest("security.privileged can only be set when the instance is created")
        }
        for (device, settings) in values.devices.sorted(by: { $0.key < $1.key }) {
            let type = settings["type"] ?? ""
            guard type == "disk", settings["path"] == "/", (settings["pool"] ?? "default") == "default",
                Set(settings.keys).isSubset(of: ["type", "path", "pool"])
            else {
                throw InstanceError.badRequest(
                    "Invalid devices: Device \"\(device)\" (type \"\(type)\") is not supported; "
                        + "only a root disk in pool \"default\" is")
            }
        }
        for profile in values.profiles where !Self.profiles.contains(profile) {
            throw InstanceError.badRequest("Requested profile \"\(profile)\" doesn't exist")
        }
        do {
            try await drivers.driver(for: type).check(Self.spec(name: name, config: values.config))
        } catch let error as InstanceDriverError {
            throw InstanceError.badRequest("Invalid config: \(error)")
        }
    }

    static func spec(name: String, config: [String: String]) -> InstanceSpec {
        InstanceSpec(name: name, privileged: config["security.privileged"] == "true", config: config)
    }

    /// The `instance.update` step: applies what a PUT or PATCH asked for, if the instance is
    /// still as it was when the request was checked (`if_match`), else fails as LXD's 412 does.
    func update(_ context: StepContext) async throws {
        let name = context.payload["name"]?.stringValue ?? ""
        let project = context.payload["project"]?.stringValue ?? "default"
        let row = try instance(name: name, project: project)
        let driver = try driver(of: row)
        let values = InstanceWritable(json: context.payload["values"] ?? .object([]))
        let current = InstanceWritable(row)
        // Already applied by an attempt the server did not finish: the same end state.
        if current.etag == values.etag { return }
        let expected = context.payload["if_match"]?.stringValue ?? ""
        guard current.etag == expected else {
            throw OperationFailure("ETag doesn't match: \(current.etag) vs \(expected)", code: 412)
        }
        let log = CommandLog()
        do {
            try await driver.reconfigure(Self.spec(name: name, config: values.config), log: log.sink)
            try database.write { try $0.updateInstance(values.applied(to: row)) }
        } catch {
            await log.flush(to: context)
            throw error
        }
        await log.flush(to: context)
        await lifecycle.emit(
            action: "instance-updated", source: "/1.0/instances/\(name)", context: .object([]), requestor: nil)
    }
}
