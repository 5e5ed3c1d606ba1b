"""The stand-in's SparkSession (see __init__.py): not Spark."""
from pyspark import SparkContext


class SparkSession:
    class _Builder:
        def appName(self, _name):
            return self

        def getOrCreate(self):
            return SparkSession()

    builder = _Builder()

    def __init__(self):
        self.sparkContext = SparkContext()

    def stop(self):
        pass
