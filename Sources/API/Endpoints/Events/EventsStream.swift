import Operations
import Server

/// The NDJSON and Server-Sent Events forms of `GET /1.0/events`: a chunked body that runs until the
/// client leaves or falls too far behind.
enum EventsStream {
    /// How often a quiet SSE stream gets a `: keepalive` comment.
    static let keepaliveInterval: Duration = .seconds(10)

    /// Unread bytes past which a subscriber counts as too slow (the server's own cut is at 16 MiB).
    static let slowConsumerBytes = 4 << 20
    static let slowConsumerReason = "Event consumer too slow: more than \(slowConsumerBytes) bytes unread"

    /// Writes `feed` until the client disconnects (the server cancels this task), the subscriber
    /// overflows (an in-band error, then the end) or the replay fails.
    static func serve(_ feed: EventFeed, as form: EventWireForm, to writer: ResponseBodyWriter) async {
        defer { feed.subscription.cancel() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pump(feed, as: form, to: writer) }
            if form == .serverSentEvents {
                group.addTask {
                    while (try? await Task.sleep(for: keepaliveInterval)) != nil {
                        do { try writer.write(EventWireForm.keepalive) } catch { return }
                    }
                }
            }
            // The first task to end (the feed, or a keepalive that found the connection closed) ends both.
            await group.next()
            group.cancelAll()
        }
    }

    private static func pump(_ feed: EventFeed, as form: EventWireForm, to writer: ResponseBodyWriter) async {
        do {
            for try await item in feed {
                // A reader that stops reading is told why it is cut off, before the server's hard limit
                // would drop it without a word.
                if writer.pendingBytes > EventsStream.slowConsumerBytes {
                    try writer.write(form.encode(error: EventsStream.slowConsumerReason))
                    return
                }
                try writer.write(form.encode(item))
            }
        } catch is ServerError {
            // The client is gone.
        } catch {
            try? writer.write(form.encode(error: "Cannot replay events: \(error)"))
        }
    }
}
