import Foundation
import Synchronization

/// `1:02:03`, `4:05`, or `—` when unknown.
func clockText(_ seconds: Double?) -> String {
    guard let seconds, seconds.isFinite, seconds >= 0 else { return "—" }
    let s = Int(seconds.rounded())
    return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
}

/// The first Ctrl-C runs `action` (a graceful stop); a second one quits at once.
final class InterruptHandler: @unchecked Sendable {
    // A DispatchSource is thread-safe; it is only resumed and cancelled here.
    private let source: any DispatchSourceSignal

    init(_ action: @escaping @Sendable () -> Void) {
        signal(SIGINT, SIG_IGN)
        let count = Mutex(0)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            let n = count.withLock { c -> Int in
                c += 1
                return c
            }
            if n == 1 {
                printError("\ninterrupted: finishing the attempts in flight, sending nothing new (Ctrl-C again to quit at once)")
                action()
            } else {
                exit(130)
            }
        }
        source.resume()
    }

    func stop() {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}
