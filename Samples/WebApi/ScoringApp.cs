namespace MLNet.Cnn.Samples.WebApi;

/// <summary>
/// Builds the web application: the <see cref="ServingOptions"/> from the configuration, Kestrel's request-size limit, the
/// <see cref="ImageClassifier"/> (loaded before the server starts, so a bad model path stops start-up with its message
/// instead of failing the first request), <c>POST /predict</c> and <c>GET /health</c>. Unhandled errors become 500 problem
/// details; the server keeps running.
/// </summary>
public static class ScoringApp
{
    /// <summary>The application for <paramref name="args"/> (ASP.NET Core's: <c>--urls</c>, <c>--Serving:ModelPath=…</c>, …), not yet started.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var options = builder.Configuration.GetSection(ServingOptions.Section).Get<ServingOptions>() ?? new ServingOptions();
        options.Validate();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxImageBytes);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(ImageClassifier.Load(options));
        builder.Services.AddProblemDetails();

        var app = builder.Build();
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler();   // in Development, ASP.NET Core's page with the exception
        app.UseStatusCodePages();
        app.MapPost(PredictEndpoint.Route, PredictEndpoint.Handle);
        app.MapGet("/health", (ImageClassifier classifier) => Results.Ok(new { Status = "ok", Model = classifier.ModelPath, Classes = classifier.ClassNames }));
        var classifier = app.Services.GetRequiredService<ImageClassifier>();
        app.Logger.LogInformation("Loaded {Model}: {Count} classes ({Classes})", classifier.ModelPath, classifier.ClassNames.Count, string.Join(", ", classifier.ClassNames));
        return app;
    }
}
