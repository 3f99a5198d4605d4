using System.Runtime.InteropServices;
using BioImage.Storage.Codecs.Native;

namespace BioImage.Core.Tests.Storage.Codecs;

/// <summary>
/// A fact about the native codec path (libzstd, liblz4, libdeflate). Where one of the libraries cannot be loaded the
/// test is reported skipped, naming it, instead of passing on the managed fallback; where the environment sets
/// <c>BIOIMAGE_EXPECT_NATIVE_CODECS=1</c> (scripts/test.sh, after scripts/install-deps.sh installed them) it always
/// runs, so that a missing library fails it.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NativeCodecsFactAttribute : FactAttribute
{
    /// <summary>The variable that makes absent native libraries a failure rather than a skip.</summary>
    public const string Expectation = "BIOIMAGE_EXPECT_NATIVE_CODECS";

    public NativeCodecsFactAttribute()
    {
        string[] missing = [.. new[] { LibZstd.Name, LibLz4.Name, LibDeflate.Name }.Where(name => !Loads(name))];
        if (missing.Length > 0 && Environment.GetEnvironmentVariable(Expectation) != "1")
        {
            Skip = $"{string.Join(", ", missing)} not found: the native codec path is not tested ({Expectation}=1 makes this a failure).";
        }
    }

    /// <summary>Whether <paramref name="library"/> loads as the codecs load it (<see cref="NativeCodecs"/>).</summary>
    private static bool Loads(string library)
    {
        if (!NativeLibrary.TryLoad(library, typeof(NativeCodecs).Assembly, null, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
