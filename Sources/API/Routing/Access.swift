/// Who may call an action (LXD's `AccessHandler` / `AllowUntrusted`, plus Berth's API-token scopes).
/// Every action states one: there is no default, so a new route cannot be opened by omission.
public enum Access: Sendable, Hashable, CaseIterable {
    /// Anyone, including untrusted network callers: `GET /`, `GET /1.0` (its untrusted subset) and
    /// the redemption of a trust token (`POST /1.0/certificates`).
    case untrusted
    /// Any trusted caller, restricted certificates and read-only tokens included (LXD's
    /// `allowAuthenticated`): what is not in a project — operations, events, the trust store's list.
    case authenticated
    /// Reading a project's resources: admins, restricted certificates that list the project, and
    /// both token scopes.
    case view
    /// Changing a project's resources (instances, images, exec, console, files): admins, restricted
    /// certificates that list the project, and admin tokens.
    case operate
    /// Changing the server itself (configuration, the trust store): local callers, unrestricted
    /// certificates and admin tokens.
    case admin
    /// Local callers on the unix socket only: issuing and revoking API tokens.
    case local
}
