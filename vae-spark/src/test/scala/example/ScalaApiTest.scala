package example

import java.nio.file.Files

import io.github.vaespark.SparkTestSession
import io.github.vaespark.ml.{VaeEvaluator, VariationalAutoencoder, VariationalAutoencoderModel}
import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.feature.VectorAssembler
import org.apache.spark.ml.linalg.Vector
import org.apache.spark.ml.param.ParamMap
import org.junit.jupiter.api.Assertions._
import org.junit.jupiter.api.Test

/** The estimator as Scala users write it: in a Pipeline, with Scala arrays and ParamMap syntax, saved and loaded. */
class ScalaApiTest {

  @Test
  def pipelineFitsSavesAndLoadsFromScala(): Unit = {
    val spark = SparkTestSession.get()
    import spark.implicits._
    val df = (0 until 300).map(i => (math.sin(i * 0.1), math.cos(i * 0.1), math.sin(i * 0.05))).toDF("a", "b", "c")

    val vae = new VariationalAutoencoder()
      .setLatentDim(2)
      .setEncoderLayers(Array(16, 8))
      .setMaxEpochs(2)
      .setBatchSize(32)
      .setElboCol("elbo")
    val pipeline = new Pipeline().setStages(Array(
      new VectorAssembler().setInputCols(Array("a", "b", "c")).setOutputCol("features"), vae))

    val fitted = pipeline.fit(df, ParamMap(vae.latentDim -> 3))
    val model = fitted.stages.last.asInstanceOf[VariationalAutoencoderModel]
    assertEquals(3, model.getLatentDim)
    assertEquals(2, model.summary.epochs)
    assertArrayEquals(Array(8, 16), model.getDecoderLayers)

    val path = Files.createTempDirectory("scala-pipeline").resolve("model").toString
    fitted.write.overwrite().save(path)
    val loaded = PipelineModel.load(path)
    val before = fitted.transform(df).select("latentMean").collect().map(_.getAs[Vector](0))
    val after = loaded.transform(df).select("latentMean").collect().map(_.getAs[Vector](0))
    assertEquals(before.toSeq, after.toSeq)

    val score = new VaeEvaluator().evaluate(loaded.transform(df))
    assertTrue(score.isFinite)
    assertTrue(vae.explainParams().contains("latentDim"))
  }
}
