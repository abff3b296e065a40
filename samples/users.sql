-- MySQL dump (synthetic data)
CREATE TABLE `t_user` (
  `id` bigint NOT NULL AUTO_INCREMENT,
  `user_name` varchar(32) NOT NULL,
  `id_no` char(18) DEFAULT NULL,
  `phone` varchar(20) DEFAULT NULL,
  `email` varchar(64) DEFAULT NULL,
  `created_at` datetime NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `t_user` VALUES (1,'夏禄娟','445202193807010001','+86 170 4790 1686','hao.liu953@mail.example.org','2024-02-11 10:00:00'),(2,'廖跃翌','410522199410016594','170-9032-4082','zhang-xiao8678@foxmail.com','2024-03-12 10:00:00'),(3,'池峰璐','210803199612272107','156 4526 1802','tingxiao@example.com','2024-04-13 10:00:00'),(4,'黄煌璨','622927194202179382','+86 180 8414 6845','guo.yu@sina.com','2024-05-14 10:00:00'),(5,'慎涛湛','610117199707296157','18944590992','zhouhao@sina.com','2024-06-15 10:00:00'),(6,'齐燕','132331199302043392','165 3029 2215','zhang.hao9@corp.example.net','2024-07-16 10:00:00'),(7,'劳茜睿','36223319931207247X','16255174441','xu_zhao20@126.com','2024-08-17 10:00:00'),(8,'东方江璨','511122200108169053','+86 150 8738 0355','zhang.wei@example.cn','2024-09-18 10:00:00');
