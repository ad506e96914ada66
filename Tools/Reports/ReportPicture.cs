namespace MLNet.Cnn.Tool.Reports;

/// <summary>A picture the report shows: its title and its file, relative to the report's folder.</summary>
internal sealed record ReportPicture(string Title, string File);
