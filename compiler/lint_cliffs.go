package compiler

func (ck *checker) lintCliffs() {}
