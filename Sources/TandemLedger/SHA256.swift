import Crypto

/// SHA-256 (FIPS 180-4) for the runs' input, configuration and output fingerprints, computed by
/// swift-crypto (BoringSSL, which uses the processor's SHA instructions where it has them: a large
/// month's outputs are gigabytes, fingerprinted while they are written). Not for secrets.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: [UInt8]) -> [UInt8] {
        Array(Crypto.SHA256.hash(data: bytes))
    }

    /// Incremental hashing: the outputs of a run are fed file by file instead of being joined
    /// into one large array first.
    public struct Hasher {
        private var state = Crypto.SHA256()

        public init() {}

        public mutating func update(_ bytes: [UInt8]) { state.update(data: bytes) }

        public mutating func update(_ text: String) { update(Array(text.utf8)) }

        public mutating func finalize() -> [UInt8] { Array(state.finalize()) }
    }

    /// The digest as 64 lower-case hexadecimal digits.
    public static func hex(_ bytes: [UInt8]) -> String { hex(digest: digest(bytes)) }

    static func hex(digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        return String(digest.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
    }
}
