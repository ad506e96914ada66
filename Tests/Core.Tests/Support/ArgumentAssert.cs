namespace MLNet.Cnn.Tests.Support;

/// <summary>Checks that an argument error names the right parameter and says what was seen and expected.</summary>
public static class ArgumentAssert
{
    public static void Throws(Action action, string paramName, params string[] messageParts)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(action);
        Assert.AreEqual(paramName, e.ParamName, e.Message);
        foreach (var part in messageParts)
            StringAssert.Contains(e.Message, part, $"message of the {paramName} error");
    }
}
