import Testing

@testable import Drivers

@Suite struct VMAgentScriptTests {
    @Test func everyWordIsSingleQuotedAndTheCommandIsExeced() {
        let request = ExecRequest(
            instance: "v1", command: ["echo", "it's", "$HOME", "a b"],
            environment: ["B": "2", "A": "x'y", "bad-name": "z"],
            cwd: "/tmp/my dir")
        #expect(
            VMAgentScript.make(for: request) == """
                cd '/tmp/my dir' || exit 1
                export A='x'\\''y'
                export B='2'
                exec 'echo' 'it'\\''s' '$HOME' 'a b'

                """)
    }

    @Test func withoutACwdItStartsInHomeOrRoot() {
        #expect(VMAgentScript.make(for: ExecRequest(instance: "v", command: ["true"])).hasPrefix("cd '/' || exit 1\n"))
        let home = ExecRequest(instance: "v", command: ["true"], environment: ["HOME": "/root"])
        #expect(VMAgentScript.make(for: home).hasPrefix("cd '/root' || exit 1\n"))
    }

    @Test(arguments: [("PATH", true), ("_x1", true), ("1x", false), ("a-b", false), ("", false), ("é", false)])
    func variableNames(name: String, valid: Bool) {
        #expect(VMAgentScript.isVariableName(name) == valid)
    }
}
