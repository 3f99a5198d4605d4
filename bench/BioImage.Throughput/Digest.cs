using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace BioImage.Throughput;

/// <summary>SHA-256 of an output array's bytes in C order, hex — what peers.py computes with <c>hashlib.sha256(a.tobytes())</c>.</summary>
internal static class Digest
{
    public static string Of<T>(ReadOnlySpan<T> values)
        where T : unmanaged => Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values)));
}
