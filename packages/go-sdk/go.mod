module github.com/tensor-box/tensor-box/packages/go-sdk

go 1.23
