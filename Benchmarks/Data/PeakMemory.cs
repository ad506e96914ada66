namespace MLNet.Cnn.Benchmarks.Data;

/// <summary>The process's peak resident memory (VmHWM of /proc/self/status), which Linux lets a process reset.</summary>
internal static class PeakMemory
{
    /// <summary>Starts the peak over from the current resident memory (writing 5 to /proc/self/clear_refs); false off Linux.</summary>
    public static bool Reset()
    {
        if (!OperatingSystem.IsLinux()) return false;
        File.WriteAllText("/proc/self/clear_refs", "5");
        return true;
    }

    /// <summary>The peak in MiB since the start or the last <see cref="Reset"/>; NaN off Linux.</summary>
    public static double Mebibytes()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}
