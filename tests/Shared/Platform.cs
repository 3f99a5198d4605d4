// The test suite runs on Linux (the platform the project targets: clusters, Slurm, POSIX file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
