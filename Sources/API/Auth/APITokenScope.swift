/// What an API token may do: `read-only` tokens read (any `GET`), `admin` tokens do anything a
/// trusted certificate may, except manage API tokens (that stays on the unix socket).
public enum APITokenScope: String, Sendable, Hashable, CaseIterable {
    case readOnly = "read-only"
    case admin
}
