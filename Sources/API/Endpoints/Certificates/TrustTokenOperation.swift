import Foundation
import HTTP
import Images
import JSON
import Operations
import Server
import Store

/// The trust token as an operation of class `token` (LXD's `CertificateAddToken`): it never does
/// anything, its one step waits until the token is redeemed (Success), expires (Failure) or is
/// cancelled (`lxc config trust revoke-token`, a `DELETE` of the operation). While it waits it is
/// Running, which is how `lxc config trust list-tokens` finds live tokens.
public enum TrustTokenOperation {
    public static let type = "certificate.add-token"

    /// Registered by the daemon with its other operation types.
    public static func definitions(waiters: TrustTokenWaiters = .shared) -> [OperationDefinition] {
        [
            OperationDefinition(
                type: type, description: "Certificate add token", operationClass: .token,
                steps: [
                    // Idempotent: after a restart the token waits again until its expiry. The
                    // deadline is only a backstop; the expiry ends the wait.
                    Step("wait", idempotent: true, cancellable: true, deadlineMilliseconds: 400 * 86_400_000) {
                        context in
                        let expiresAt = context.payload["expires_at"]?.intValue.map(Int64.init) ?? 0
                        let outcome = await waiters.wait(
                            context.operationID, expiresAt: expiresAt, now: Timestamp.now().nanoseconds)
                        switch outcome {
                        case .redeemed: return
                        case .expired: throw OperationFailure("Token has expired", code: 403)
                        case .cancelled: throw CancellationError()
                        }
                    }
                ])
        ]
    }
}
