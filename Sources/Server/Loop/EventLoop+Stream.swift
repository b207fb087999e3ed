import HTTP

extension EventLoop {
    func startStream(
        on connection: Connection, head: HTTPResponse, keepAlive: Bool,
        producer: @escaping @Sendable (ResponseBodyWriter) async -> Void
    ) {
        HTTPResponseEncoder.writeHead(
            status: head.status, headers: head.headers, contentLength: nil, chunked: true,
            keepAlive: keepAlive, date: dateCache.current(), into: &connection.output)
        let writer = ResponseBodyWriter(loop: handle, connectionID: connection.id)
        connection.outputGauge = writer.gauge
        let loop = handle
        let id = connection.id
        connection.inFlight = .stream(keepAlive: keepAlive, writer: writer, task: nil)
        let task = Task {
            await producer(writer)
            loop.execute { loop in loop.finishStream(connectionID: id) }
        }
        connection.inFlight = .stream(keepAlive: keepAlive, writer: writer, task: task)
    }

    func writeStreamChunk(connectionID: UInt64, _ bytes: [UInt8]) {
        guard let connection = connections[connectionID], case .stream = connection.inFlight else { return }
        HTTPResponseEncoder.writeChunk(bytes, into: &connection.output)
        flush(connection)
    }

    func finishStream(connectionID: UInt64) {
        guard let connection = connections[connectionID],
            case .stream(let keepAlive, let writer, _) = connection.inFlight
        else { return }
        writer.markClosed()
        connection.inFlight = nil
        connection.outputGauge = nil
        HTTPResponseEncoder.writeFinalChunk(into: &connection.output)
        if !keepAlive || draining { connection.closeAfterFlush = true }
        // Answers what was pipelined behind; its flush writes this response and sets the interest.
        processRequests(connection)
    }
}
