module github.com/tensor-box/tensor-box/bench/go-throughput

go 1.23

require github.com/tensor-box/tensor-box/packages/go-sdk v0.0.0

replace github.com/tensor-box/tensor-box/packages/go-sdk => ../../packages/go-sdk
