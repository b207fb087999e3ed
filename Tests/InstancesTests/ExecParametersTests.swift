import Instances
import Testing

@Suite struct ExecParametersTests {
    @Test("root gets LXD's environment under what the client sent (trace 07)")
    func rootDefaults() {
        let parameters = ExecParameters(command: ["ls"], environment: ["TERM": "xterm"])
        #expect(
            parameters.effectiveEnvironment == [
                "HOME": "/root", "LANG": "C.UTF-8",
                "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM": "xterm", "USER": "root",
            ])
    }

    @Test("the client's values win, and another user gets no HOME or USER of root's")
    func clientValuesAndOtherUsers() {
        let parameters = ExecParameters(command: ["id"], environment: ["PATH": "/bin", "LANG": "C"], user: 1000)
        #expect(parameters.effectiveEnvironment == ["PATH": "/bin", "LANG": "C"])
    }
}
