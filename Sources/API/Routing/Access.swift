/// Who may call an action (LXD's `AccessHandler` / `AllowUntrusted`).
public enum Access: Sendable {
    /// Anyone, including untrusted TCP callers (`GET /`, `GET /1.0`).
    case untrusted
    /// Trusted callers only; others get 403.
    case trusted
}
