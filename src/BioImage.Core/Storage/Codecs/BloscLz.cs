namespace BioImage.Storage.Codecs;

/// <summary>
/// Decoder of BloscLZ, blosc's own FastLZ-derived LZ77 stream (c-blosc <c>blosclz.c</c>): literal runs of 1–32
/// bytes and back-references of 3+ bytes at distances up to 8191 (+65535 with the far-distance escape). O(output).
/// </summary>
internal static class BloscLz
{
    private const int MaxDistance = 8191;

    /// <summary>Decodes <paramref name="source"/> into exactly <paramref name="destination"/>.Length bytes.</summary>
    public static void DecompressExactly(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        int ip = 0;
        int op = 0;
        if (source.Length == 0)
        {
            throw Corrupt(destination.Length);
        }

        int ctrl = source[ip++] & 31;
        while (true)
        {
            if (ctrl < 32)
            {
                int run = ctrl + 1;
                if (op + run > destination.Length || ip + run > source.Length)
                {
                    throw Corrupt(destination.Length);
                }

                source.Slice(ip, run).CopyTo(destination[op..]);
                op += run;
                ip += run;
            }
            else
            {
                int length = (ctrl >> 5) - 1;
                int distance = (ctrl & 31) << 8;
                int code;
                if (length == 6)
                {
                    do
                    {
                        code = ip < source.Length ? source[ip++] : throw Corrupt(destination.Length);
                        length += code;
                    }
                    while (code == 255);
                }

                code = ip < source.Length ? source[ip++] : throw Corrupt(destination.Length);
                length += 3;
                if (code == 255 && distance == 31 << 8)
                {
                    distance = ip + 1 < source.Length ? ((source[ip] << 8) | source[ip + 1]) + MaxDistance + 1 : throw Corrupt(destination.Length);
                    ip += 2;
                }
                else
                {
                    distance += code + 1;
                }

                if (op + length > destination.Length || distance > op)
                {
                    throw Corrupt(destination.Length);
                }

                int from = op - distance;
                if (distance >= length)
                {
                    destination.Slice(from, length).CopyTo(destination[op..]);
                }
                else
                {
                    for (int i = 0; i < length; i++)
                    {
                        destination[op + i] = destination[from + i];
                    }
                }

                op += length;
            }

            if (ip >= source.Length)
            {
                break;
            }

            ctrl = source[ip++];
        }

        if (op != destination.Length)
        {
            throw new InvalidDataException($"the blosclz stream decodes to {op} bytes; expected {destination.Length} (truncated).");
        }
    }

    private static InvalidDataException Corrupt(int expected) => new($"the blosclz stream is corrupted, truncated, or decodes to more than the expected {expected} bytes.");
}
