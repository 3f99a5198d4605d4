using BioImage.Kernels;

namespace BioImage.Kernels.Tests.Compression;

/// <summary>Byte and bit shuffles against the definitions in c-blosc's generic C code, for every size and remainder.</summary>
public class ShuffleTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (int typeSize in new[] { 1, 2, 3, 4, 8, 16 })
        {
            foreach (int length in new[] { 0, 5, 16, 63, 256, 1000, 4099 })
            {
                data.Add(typeSize, length);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Byte_shuffle_matches_the_definition_and_round_trips(int typeSize, int length)
    {
        var source = Random(length);
        var shuffled = new byte[length];
        ByteShuffle.Shuffle(source, shuffled, typeSize);
        int q = length / typeSize;
        var expected = (byte[])source.Clone();
        for (int i = 0; i < q; i++)
        {
            for (int j = 0; j < typeSize; j++)
            {
                expected[(j * q) + i] = source[(i * typeSize) + j];
            }
        }

        Assert.Equal(expected, shuffled);
        var back = new byte[length];
        ByteShuffle.Unshuffle(shuffled, back, typeSize);
        Assert.Equal(source, back);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bit_shuffle_matches_the_definition_and_round_trips(int typeSize, int length)
    {
        var source = Random(length);
        var shuffled = new byte[length];
        BitShuffle.Shuffle(source, shuffled, typeSize);
        int n = length / typeSize;
        var expected = (byte[])source.Clone();
        if (n % 8 == 0)
        {
            Array.Clear(expected, 0, n * typeSize);
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < typeSize; j++)
                {
                    for (int k = 0; k < 8; k++)
                    {
                        int bit = (source[(i * typeSize) + j] >> k) & 1;
                        int g = (((j * 8) + k) * n) + i;
                        expected[g / 8] |= (byte)(bit << (g % 8));
                    }
                }
            }
        }

        Assert.Equal(expected, shuffled);
        var back = new byte[length];
        BitShuffle.Unshuffle(shuffled, back, typeSize);
        Assert.Equal(source, back);
    }

    private static byte[] Random(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }
}
