import Testing

@testable import Drivers

@Suite struct LXCDriverConfigTests {
    let driver = LXCDriver(lxcPath: "/var/lib/berth/containers/", idmap: IDMap(hostUID: 100000, hostGID: 100000))

    let host = HostResources(memory: 1_000_000, onlineCPUs: CPUSet([0, 1]))

    private func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    private func configuration(
        _ spec: InstanceSpec, idmap: IDMap? = nil, layout: RootfsLayout = .directory
    ) throws -> String {
        try driver.configuration(for: spec, idmap: idmap, layout: layout, host: host)
    }

    @Test func anUnprivilegedContainerHasLXDsRecipeAndTheIDMap() throws {
        let text = try configuration(InstanceSpec(name: "web1"), idmap: driver.idmap)
        let tag = LXCDriver.tag("/var/lib/berth/containers")
        let expected = [
            "lxc.include = /usr/share/lxc/config/common.conf",
            "lxc.hook.mount =",
            "lxc.hook.post-stop =",
            "lxc.net.0.type = empty",
            "lxc.init.cmd = /sbin/init",
            "lxc.signal.halt = SIGPWR",
            "lxc.autodev = 1",
            "lxc.mount.auto = proc:mixed sys:ro cgroup:mixed",
            "lxc.apparmor.profile = unconfined",
            "lxc.uts.name = web1",
            "lxc.rootfs.path = dir:/var/lib/berth/containers/web1/rootfs",
            "lxc.console.logfile = /var/lib/berth/containers/web1/console.log",
            "lxc.log.file = /var/lib/berth/containers/web1/lxc.log",
            "lxc.cgroup.dir.container = berth.\(tag).payload.web1",
            "lxc.cgroup.dir.monitor = berth.\(tag).monitor.web1",
            "lxc.cgroup.dir.monitor.pivot = berth.\(tag).pivot.web1",
            "lxc.idmap = u 0 100000 65536",
            "lxc.idmap = g 0 100000 65536",
        ]
        for line in expected { #expect(lines(text).contains(line), "\(line)") }
        #expect(!text.contains("limit_in_bytes"))
    }

    @Test func aPrivilegedContainerHasNoIDMap() throws {
        let text = try configuration(InstanceSpec(name: "web1", privileged: true))
        #expect(!text.contains("lxc.idmap"))
        #expect(LXCDriver.idmap(inConfiguration: text) == nil)
    }

    @Test func theIDMapIsReadBackFromAConfig() throws {
        let text = try configuration(InstanceSpec(name: "web1"), idmap: IDMap(hostUID: 200000, hostGID: 300000))
        #expect(LXCDriver.idmap(inConfiguration: text) == IDMap(hostUID: 200000, hostGID: 300000))
    }

    @Test func anOverlayContainerMountsItsDeltaOnItsBaseWithUserAttributes() throws {
        let text = try configuration(InstanceSpec(name: "web1"), idmap: driver.idmap, layout: .overlay)
        let directory = "/var/lib/berth/containers/web1"
        #expect(lines(text).contains("lxc.rootfs.path = overlay:\(directory)/base:\(directory)/delta"))
        #expect(lines(text).contains("lxc.rootfs.options = userxattr"))
        #expect(LXCDriver.setting("lxc.rootfs.path", in: text).flatMap(RootfsLayout.init(lxcValue:)) == .overlay)
    }

    @Test(arguments: [
        ("256MiB", "268435456"), ("1GB", "1000000000"), ("50%", "500000"), ("100%", "1000000"),
    ])
    func limitsMemoryBecomesTheMemoryCgroupLimit(value: String, bytes: String) throws {
        let text = try configuration(InstanceSpec(name: "web1", config: ["limits.memory": value]))
        #expect(lines(text).contains("lxc.cgroup.memory.limit_in_bytes = \(bytes)"))
    }

    @Test func limitsProcessesBecomesThePidsCgroupLimit() throws {
        let text = try configuration(
            InstanceSpec(name: "web1", config: ["limits.processes": "200", "limits.memory": ""]))
        #expect(lines(text).contains("lxc.cgroup.pids.max = 200"))
        #expect(!text.contains("memory.limit_in_bytes"))
    }

    @Test(arguments: [
        ("limits.memory", "lots"), ("limits.memory", "0"), ("limits.memory", "150%"), ("limits.memory", "1.5GB"),
        ("limits.processes", "0"), ("limits.processes", "many"),
    ])
    func aLimitThatCannotBeAppliedIsRefused(key: String, value: String) {
        #expect {
            try configuration(InstanceSpec(name: "web1", config: [key: value]))
        } throws: { error in
            guard case InstanceDriverError.invalidConfig(key, value, _) = error else { return false }
            return "\(error)".hasPrefix("Invalid value \"\(value)\" for \"\(key)\": ")
        }
    }

    @Test(arguments: [RootfsLayout.directory, .overlay])
    func renamingRewritesOnlyTheLinesThatHoldTheName(layout: RootfsLayout) throws {
        let spec = InstanceSpec(name: "web1", config: ["limits.processes": "5"])
        let text = try configuration(spec, idmap: driver.idmap, layout: layout)
        let renamed = driver.renamedConfiguration(text, to: "web2")
        var expectedSpec = spec
        expectedSpec.name = "web2"
        #expect(renamed == (try configuration(expectedSpec, idmap: driver.idmap, layout: layout)))
    }

    @Test func cpuLimitsBecomeCpusetAndCpuSettings() throws {
        let text = try configuration(
            InstanceSpec(name: "web1", config: ["limits.cpu": "1", "limits.cpu.allowance": "25ms/100ms"]))
        #expect(lines(text).contains("lxc.cgroup.cpuset.cpus = 0"))
        #expect(lines(text).contains("lxc.cgroup.cpu.cfs_quota_us = 25000"))
        #expect(lines(text).contains("lxc.cgroup.cpu.cfs_period_us = 100000"))
        #expect(!text.contains("cpu.shares"))
    }

    @Test(arguments: [
        "", ".hidden", "-x", "../etc", "a/b", "a b", "a\nlxc.idmap = u 0 0 1", String(repeating: "a", count: 129),
    ])
    func namesThatCouldEscapeTheLxcpathOrAConfigLineAreRefused(name: String) async {
        await #expect(throws: InstanceDriverError.invalidName(name)) {
            try await driver.exists(name: name)
        }
    }

    @Test func theCgroupTagDiffersPerLxcpathAndIsStable() {
        #expect(LXCDriver.tag("/var/lib/berth/containers") == LXCDriver.tag("/var/lib/berth/containers"))
        #expect(LXCDriver.tag("/var/lib/berth/containers") != LXCDriver.tag("/tmp/berth-drivers-1/lxc"))
        #expect(LXCDriver.tag("/x").count == 8)
    }
}
