import Testing

@testable import Operations

@Suite struct OperationStateMachineTests {
    @Test func runsToSuccess() throws {
        var machine = OperationStateMachine()
        try machine.start()
        try machine.succeed()
        #expect(machine.status == .success)
        #expect(machine.status.isFinal)
    }

    @Test func cancellingAQueuedOperationEndsItAtOnce() throws {
        var machine = OperationStateMachine()
        #expect(try machine.requestCancel(currentStepCancellable: false) == .cancelledWhileQueued)
        #expect(machine.status == .cancelled)
    }

    @Test func cancellingARunningOperationGoesThroughCancelling() throws {
        var machine = OperationStateMachine()
        try machine.start()
        #expect(try machine.requestCancel(currentStepCancellable: true) == .cancelling)
        #expect(machine.status == .cancelling)
        #expect(try machine.requestCancel(currentStepCancellable: true) == .alreadyCancelling)
        try machine.finishCancelling()
        #expect(machine.status == .cancelled)
    }

    @Test func refusesWithLXDsTexts() throws {
        var running = OperationStateMachine()
        try running.start()
        #expect(throws: OperationStateMachine.Refusal.notCancellable) {
            try running.requestCancel(currentStepCancellable: false)
        }
        #expect(OperationStateMachine.Refusal.notCancellable.description == "This operation can't be cancelled")
        var done = running
        try done.succeed()
        #expect(throws: OperationStateMachine.Refusal.notRunning) {
            try done.requestCancel(currentStepCancellable: true)
        }
        #expect(OperationStateMachine.Refusal.notRunning.description == "Only running operations can be cancelled")
    }

    @Test func finalStatesAreFinal() throws {
        for final in [OperationStatus.success, .failure, .cancelled] {
            var machine = OperationStateMachine(status: final)
            #expect(throws: OperationStateMachine.Refusal.self) { try machine.fail() }
            #expect(throws: OperationStateMachine.Refusal.self) { try machine.start() }
            #expect(throws: OperationStateMachine.Refusal.self) { try machine.requeue() }
        }
    }

    @Test func recoveryMayRequeueAnInterruptedOperation() throws {
        var machine = OperationStateMachine()
        try machine.start()
        try machine.requeue()
        #expect(machine.status == .pending)
    }

    @Test(arguments: [
        (OperationStatus.pending, 105, "Pending"), (.running, 103, "Running"), (.cancelling, 104, "Cancelling"),
        (.success, 200, "Success"), (.failure, 400, "Failure"), (.cancelled, 401, "Cancelled"),
    ])
    func codesAndNamesAreLXDs(status: OperationStatus, code: Int, name: String) {
        #expect(status.code == code)
        #expect(status.name == name)
        #expect(OperationStatus(listKey: name.lowercased()) == status)
    }
}
