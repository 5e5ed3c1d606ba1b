"""A stand-in for the few pyspark calls ci/spark_shards.py makes, so that
tests/e2e/t_ci_sharded.sh can run the script's own code (its mgate command lines,
files, states and exit statuses) without Spark, which is not a Debian package.
It is NOT Spark: partitions run one after the other in this process, and the files
"shipped with --files" are those of the folder $STANDIN_SPARK_FILES.  What it shows is
that the script drives mgate right, not that Spark runs it.
"""
import os


class SparkFiles:
    @staticmethod
    def get(name):
        return os.path.join(os.environ["STANDIN_SPARK_FILES"], name)


class RDD:
    def __init__(self, partitions):
        self.partitions = partitions

    def mapPartitionsWithIndex(self, f):
        return RDD([list(f(i, iter(p))) for i, p in enumerate(self.partitions)])

    def collect(self):
        return [x for p in self.partitions for x in p]


class SparkContext:
    defaultParallelism = 2

    def parallelize(self, seq, n):
        items = list(seq)
        return RDD([items[i * len(items) // n:(i + 1) * len(items) // n] for i in range(n)])
