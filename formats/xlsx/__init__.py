"""Excel workbooks: reading the first sheet's typed cells (`reader`) and writing typed cells under a frozen header
(`writer`). Each module loads only when its direction is asked for."""
