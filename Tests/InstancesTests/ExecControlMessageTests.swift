import Instances
import Testing

@Suite struct ExecControlMessageTests {
    @Test("the lxc client's messages from the traces (09b, 09c) are understood")
    func clientMessages() {
        #expect(
            ExecControlMessage(json: #"{"command":"window-resize","args":{"height":"40","width":"120"},"signal":0}"#)
                == .resize(columns: 120, rows: 40))
        #expect(ExecControlMessage(json: #"{"command":"signal","args":null,"signal":2}"#) == .signal(2))
    }

    @Test("sizes may be numbers too")
    func numericSizes() {
        #expect(
            ExecControlMessage(json: #"{"command":"window-resize","args":{"width":80,"height":24}}"#)
                == .resize(columns: 80, rows: 24))
    }

    @Test(
        "anything else is ignored",
        arguments: [
            "", "not json", #"{"command":"signal","signal":0}"#, #"{"command":"signal","signal":99}"#,
            #"{"command":"window-resize","args":{"width":"0","height":"24"}}"#,
            #"{"command":"window-resize","args":{"width":"70000","height":"24"}}"#, #"{"command":"reboot"}"#,
        ])
    func ignored(text: String) {
        #expect(ExecControlMessage(json: text) == nil)
    }
}
