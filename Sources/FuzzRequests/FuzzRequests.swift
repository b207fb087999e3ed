#if DEBUG || BERTH_FUZZ
    import HTTP
    import Instances
    import JSON
    import Server

    @testable import API

    /// libFuzzer entry point over what the API does with a JSON request body (see scripts/fuzz.sh):
    /// `APIRequest.decodeBody` into the bodies clients send most, then the checks that run before
    /// anything is stored (instance names, config keys, instance types).
    ///
    /// Every refusal is a 400 (the envelope's message comes from `JSONBodyError`, which must not
    /// trap on any `DecodingError`). And the two JSON readers must agree: a body the strict
    /// `JSONValue` parser accepts, whose members have the types `PUT /1.0/instances/<name>` expects,
    /// decodes to exactly those values.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
        let body = Array(UnsafeBufferPointer(start: data, count: size))
        let request = APIRequest(
            http: HTTPRequest(method: .put, target: "/1.0/instances/c1", headers: [:], body: body),
            context: RequestContext(
                transport: .unix, peer: .unix(uid: 0, gid: 0, pid: 1), connectionID: 1, requestID: 1),
            trusted: true, parameters: ["name": "c1"], query: [])

        if let create = decode(InstancesEndpoints.CreateBody.self, request) {
            _ = create.name.map(InstanceName.problem)
            _ = create.config.map(InstanceConfig.problem)
            if let type = create.instanceType {
                _ = try? InstanceConfig.applyingInstanceType(type, to: create.config ?? [:])
            }
        }
        _ = decode(InstancesEndpoints.StateBody.self, request)
        _ = decode(InstanceExecEndpoints.ExecBody.self, request)
        _ = decode(ServerPut.self, request)
        _ = decode(ImagesEndpoints.PutBody.self, request)
        _ = decode(ImageAliasesEndpoints.AliasPost.self, request)
        let put = decode(InstancesEndpoints.PutBody.self, request)
        if let put { _ = put.config.map(InstanceConfig.problem) }
        compare(put, with: body)
        return 0
    }

    func decode<T: Decodable>(_ type: T.Type, _ request: APIRequest) -> T? {
        do throws(APIError) {
            return try request.decodeBody(type)
        } catch {
            if error.status != .badRequest { fatalError("a body was refused with \(error)") }
            return nil
        }
    }

    /// The strict parser's view of a PUT body against Foundation's decoding of it.
    func compare(_ decoded: InstancesEndpoints.PutBody?, with body: [UInt8]) {
        guard let value = try? JSONValue.parse(body), case .object(let members) = value, !hasDuplicateKeys(value)
        else { return }
        var expected = InstancesEndpoints.PutBody()
        for (key, member) in members where member != .null {
            switch key {
            case "architecture", "description", "restore":
                guard case .string(let text) = member else { return }
                switch key {
                case "architecture": expected.architecture = text
                case "description": expected.description = text
                default: expected.restore = text
                }
            case "ephemeral", "stateful":
                guard case .bool(let flag) = member else { return }
                if key == "ephemeral" { expected.ephemeral = flag } else { expected.stateful = flag }
            case "profiles":
                guard case .array(let elements) = member else { return }
                let names = elements.compactMap(\.stringValue)
                guard names.count == elements.count else { return }
                expected.profiles = names
            case "config":
                guard let strings = strings(member) else { return }
                expected.config = strings
            case "devices":
                guard case .object(let devices) = member else { return }
                var map: [String: [String: String]] = [:]
                for (name, device) in devices {
                    guard let strings = strings(device) else { return }
                    map[name] = strings
                }
                expected.devices = map
            default:
                break
            }
        }
        guard let decoded else { fatalError("a well-typed body was refused: \(String(decoding: body, as: UTF8.self))") }
        guard
            decoded.architecture == expected.architecture && decoded.description == expected.description
                && decoded.restore == expected.restore && decoded.ephemeral == expected.ephemeral
                && decoded.stateful == expected.stateful && decoded.profiles == expected.profiles
                && decoded.config == expected.config && decoded.devices == expected.devices
        else { fatalError("Foundation and JSONValue read \(String(decoding: body, as: UTF8.self)) differently") }
    }

    /// An object whose members are all strings (nulls are not: Foundation refuses them in a map).
    func strings(_ value: JSONValue) -> [String: String]? {
        guard case .object(let members) = value else { return nil }
        var map: [String: String] = [:]
        for (key, member) in members {
            guard case .string(let text) = member else { return nil }
            map[key] = text
        }
        return map
    }

    /// Duplicate keys anywhere: which one wins is each reader's own choice, so they are not compared.
    func hasDuplicateKeys(_ value: JSONValue) -> Bool {
        switch value {
        case .object(let members):
            Set(members.map(\.0)).count != members.count || members.contains { hasDuplicateKeys($0.1) }
        case .array(let elements): elements.contains(where: hasDuplicateKeys)
        default: false
        }
    }
#else
    /// Built without testability (a plain release build): the fuzz code needs `@testable import`,
    /// so this build of the target does nothing. scripts/fuzz.sh builds it with `-enable-testing`.
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt { 0 }
#endif
