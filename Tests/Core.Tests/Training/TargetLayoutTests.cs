using MLNet.Cnn.Data;
using MLNet.Cnn.Tensors;

namespace MLNet.Cnn.Tests.Training;

[TestClass]
public sealed class TargetLayoutTests
{
    [TestMethod]
    public void Segmentation_layout_has_class_maps_as_targets()
    {
        var layout = SampleLayout.Segmentation(3, 16, 12, ["background", "cat", "dog"]);
        Assert.AreEqual(TargetKind.Segmentation, layout.Kind);
        Assert.AreEqual(255, layout.IgnoreLabel);
        Assert.AreEqual(3, layout.ClassCount);
        Assert.IsFalse(layout.IsRegression);
        Assert.AreEqual(new TensorShape(4, 16, 12), layout.TargetShape(4));
        Assert.AreEqual("segmentation into 3 classes of 3×16×12 images (ignore label 255)", layout.ToString());
        Assert.IsNull(SampleLayout.Segmentation(1, 4, 4, ["a", "b"], ignoreLabel: null).IgnoreLabel);
    }

    [TestMethod]
    public void Detection_layout_has_box_rows_as_targets()
    {
        var layout = SampleLayout.Detection(1, 32, 32, ["square"], maxObjects: 6);
        Assert.AreEqual(TargetKind.Detection, layout.Kind);
        Assert.AreEqual(6, layout.MaxObjects);
        Assert.AreEqual(new TensorShape(2, 6, 5), layout.TargetShape(2));
        Assert.AreEqual("detection of 1 classes in 1×32×32 images, at most 6 objects each", layout.ToString());
    }

    [TestMethod]
    public void Layouts_of_different_kinds_ignore_labels_or_object_limits_do_not_match()
    {
        string[] names = ["background", "thing"];
        var segmentation = SampleLayout.Segmentation(1, 8, 8, names);
        Assert.IsTrue(segmentation.Matches(SampleLayout.Segmentation(1, 8, 8, ["other", "names"])));
        Assert.IsFalse(segmentation.Matches(SampleLayout.Classification(1, 8, 8, names)));
        Assert.IsFalse(segmentation.Matches(SampleLayout.Segmentation(1, 8, 8, names, ignoreLabel: null)));
        Assert.IsFalse(segmentation.Matches(SampleLayout.Detection(1, 8, 8, names, 2)));
        Assert.IsFalse(SampleLayout.Detection(1, 8, 8, names, 2).Matches(SampleLayout.Detection(1, 8, 8, names, 3)));
    }

    [TestMethod]
    public void Bad_segmentation_and_detection_layouts_are_refused_with_a_reason()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SampleLayout.Segmentation(1, 8, 8, ["background"])).Message,
            "at least two classes");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SampleLayout.Segmentation(1, 8, 8, ["a", "b", "c"], ignoreLabel: 2)).Message,
            "ignore label 2 is a class index");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SampleLayout.Segmentation(0, 8, 8, ["a", "b"])).Message,
            "must be positive");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SampleLayout.Detection(1, 8, 8, [], 3)).Message,
            "at least one object class");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => SampleLayout.Detection(1, 8, 8, ["a"], 0)).Message,
            "maxObjects must be positive");
    }
}
