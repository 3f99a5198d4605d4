namespace BioImage.Testing;

/// <summary>Where the repository's test fixtures live, found from the test assembly's folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestData(params string[] parts) => Path.Combine([Root, "tests", "data", .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BioImage.Kernels.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No BioImage.Kernels.sln above {AppContext.BaseDirectory}.");
    }
}
